locals {
  data_disk_device = "${var.name}-data"
  image_repository = "${var.region}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.images.repository_id}/tally"
}

# PostgreSQL, models, scratch copies of videos and the TensorRT engine cache: survives the VM being
# recreated (new boot image, machine type) and can be snapshotted on its own.
resource "google_compute_disk" "data" {
  name   = local.data_disk_device
  zone   = var.zone
  type   = var.data_disk_type
  size   = var.data_disk_gb
  labels = var.labels

  depends_on = [google_project_service.enabled]
}

resource "google_compute_instance" "gpu" {
  name         = "${var.name}-gpu-1"
  zone         = var.zone
  machine_type = var.machine_type
  tags         = [local.app_tag]
  labels       = var.labels

  boot_disk {
    auto_delete = true
    initialize_params {
      image = var.boot_image
      size  = var.boot_disk_gb
      type  = "pd-balanced"
    }
  }

  attached_disk {
    source      = google_compute_disk.data.id
    device_name = local.data_disk_device # appears as /dev/disk/by-id/google-<device_name>
    mode        = "READ_WRITE"
  }

  # No access_config: no external IP. Ingress comes through the load balancer, egress through Cloud NAT.
  network_interface {
    subnetwork = google_compute_subnetwork.main.id
  }

  guest_accelerator {
    type  = var.gpu_type
    count = var.gpu_count
  }

  # GPUs cannot live-migrate: the VM stops for host maintenance and comes back by itself.
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
      templatefile("${path.module}/startup.sh.tftpl", {
        data_disk_device         = local.data_disk_device
        registry_host            = "${var.region}-docker.pkg.dev"
        image_repository         = local.image_repository
        image_tag                = var.image_tag
        bucket                   = google_storage_bucket.videos.name
        model_file               = var.model_file
        app_port                 = var.app_port
        public_url               = "https://${var.domain}"
        video_retention_hours    = var.video_retention_days * 24
        worker_concurrency       = var.worker_concurrency
        batch_max_size           = var.batch_max_size
        batch_max_wait_ms        = var.batch_max_wait_ms
        postgres_password_secret = google_secret_manager_secret.postgres_password.secret_id
        redis_password_secret    = google_secret_manager_secret.redis_password.secret_id
        app_env_secret           = google_secret_manager_secret.app_env.secret_id
        worker_pool              = tostring(local.worker_pool)
        project                  = var.project
        compose_b64              = base64encode(file("${path.module}/../docker/compose.yml"))
        compose_gpu_b64          = base64encode(file("${path.module}/../docker/compose.gpu.yml"))
        compose_shared_data_b64  = base64encode(file("${path.module}/../docker/compose.shared-data.yml"))
      }),
    ])
  }

  # The startup script runs at every boot; a change to it needs no new VM.
  allow_stopping_for_update = true

  depends_on = [
    google_compute_router_nat.main,
    google_secret_manager_secret_version.postgres_password,
    google_secret_manager_secret_version.redis_password,
    google_storage_bucket_iam_member.vm_objects,
    google_artifact_registry_repository_iam_member.vm_pull,
  ]
}
