# Optional: a pool of GPU workers that grows with the analysis backlog and shrinks to zero when nothing
# waits (worker_pool_max_size > 0 turns it on). The main VM keeps PostgreSQL, Redis, the API and its own
# worker; the pool's workers reach its database and queue over the VPC (compose.shared-data.yml, the
# firewall rule below) and read videos from the bucket.
#
#   API ─ every minute ─▶ custom.googleapis.com/tally/analysis_backlog (jobs waiting + running)
#   autoscaler: workers = ceil(backlog / worker_pool_jobs_per_worker), between min and max size
#
# A new worker needs minutes before it takes jobs (first boot installs the NVIDIA driver and reboots, then
# pulls the image and loads the model): worker_pool_init_seconds tells the autoscaler so. A boot image with
# the driver baked in (boot_image) shortens that.

locals {
  worker_pool = var.worker_pool_max_size > 0
  worker_tag  = "${var.name}-worker"
}

resource "google_compute_instance_template" "worker" {
  count = local.worker_pool ? 1 : 0

  name_prefix  = "${var.name}-worker-"
  machine_type = var.machine_type
  tags         = [local.worker_tag]
  labels       = var.labels

  disk {
    boot         = true
    auto_delete  = true
    source_image = var.boot_image
    disk_size_gb = var.boot_disk_gb
    disk_type    = "pd-balanced"
  }

  # No access_config: no external IP; egress through Cloud NAT.
  network_interface {
    subnetwork = google_compute_subnetwork.main.id
  }

  guest_accelerator {
    type  = var.gpu_type
    count = var.gpu_count
  }

  scheduling {
    on_host_maintenance = "TERMINATE"
    automatic_restart   = true
    preemptible         = false
    provisioning_model  = "STANDARD"
  }

  shielded_instance_config {
    enable_secure_boot          = var.secure_boot
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  service_account {
    email  = google_service_account.vm.email
    scopes = ["cloud-platform"] # what it may do is decided by the IAM roles in iam.tf
  }

  metadata = {
    enable-oslogin = "TRUE"
    startup-script = join("\n", [
      templatefile("${path.module}/gpu-host.sh.tftpl", {
        nvidia_driver_branch = var.nvidia_driver_branch
      }),
      templatefile("${path.module}/worker-startup.sh.tftpl", {
        registry_host            = "${var.region}-docker.pkg.dev"
        image_repository         = local.image_repository
        image_tag                = var.image_tag
        bucket                   = google_storage_bucket.videos.name
        model_file               = var.model_file
        public_url               = "https://${var.domain}"
        main_ip                  = google_compute_instance.gpu.network_interface[0].network_ip
        worker_concurrency       = var.worker_concurrency
        batch_max_size           = var.batch_max_size
        batch_max_wait_ms        = var.batch_max_wait_ms
        postgres_password_secret = google_secret_manager_secret.postgres_password.secret_id
        redis_password_secret    = google_secret_manager_secret.redis_password.secret_id
        app_env_secret           = google_secret_manager_secret.app_env.secret_id
      }),
    ])
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_instance_group_manager" "workers" {
  count = local.worker_pool ? 1 : 0

  name               = "${var.name}-workers"
  description        = "GPU workers scaled on the analysis backlog."
  zone               = var.zone
  base_instance_name = "${var.name}-worker"

  version {
    instance_template = google_compute_instance_template.worker[0].id
  }

  # A new template (image tag, settings) replaces workers one at a time; their running jobs go back to the queue.
  update_policy {
    type                  = "PROACTIVE"
    minimal_action        = "REPLACE"
    max_surge_fixed       = 0
    max_unavailable_fixed = 1
  }
}

resource "google_compute_autoscaler" "workers" {
  count = local.worker_pool ? 1 : 0

  name   = "${var.name}-workers"
  zone   = var.zone
  target = google_compute_instance_group_manager.workers[0].id

  autoscaling_policy {
    min_replicas    = var.worker_pool_min_size
    max_replicas    = var.worker_pool_max_size
    cooldown_period = var.worker_pool_init_seconds

    # A per-group metric: the whole backlog, divided by what one worker takes at once.
    metric {
      name                       = "custom.googleapis.com/tally/analysis_backlog"
      filter                     = "resource.type = \"global\""
      single_instance_assignment = var.worker_pool_jobs_per_worker
    }

    # Scale in slowly: a removed worker's running jobs start over elsewhere.
    scale_in_control {
      time_window_sec = 900
      max_scaled_in_replicas {
        fixed = 1
      }
    }
  }
}

# The pool's workers reach PostgreSQL and Redis on the main VM, and nothing else does.
resource "google_compute_firewall" "workers_to_data" {
  count = local.worker_pool ? 1 : 0

  name        = "${var.name}-allow-workers-to-data"
  network     = google_compute_network.main.id
  description = "GPU pool workers to PostgreSQL and Redis on the main VM."
  direction   = "INGRESS"
  priority    = 1000

  source_tags = [local.worker_tag]
  target_tags = [local.app_tag]

  allow {
    protocol = "tcp"
    ports    = ["5432", "6379"]
  }
}
