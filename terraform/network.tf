resource "google_compute_network" "main" {
  name                    = "${var.name}-vpc"
  auto_create_subnetworks = false

  depends_on = [google_project_service.enabled]
}

resource "google_compute_subnetwork" "main" {
  name                     = "${var.name}-subnet"
  region                   = var.region
  network                  = google_compute_network.main.id
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true # GCS and Artifact Registry without an external IP
}

# The VM has no external IP: Cloud NAT gives it outbound access for apt and NVIDIA's repositories.
resource "google_compute_router" "main" {
  name    = "${var.name}-router"
  region  = var.region
  network = google_compute_network.main.id
}

resource "google_compute_router_nat" "main" {
  name                               = "${var.name}-nat"
  router                             = google_compute_router.main.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

locals {
  # Google Front Ends and health checkers: the only sources allowed to reach the app port.
  google_lb_ranges = ["130.211.0.0/22", "35.191.0.0/16"]
  iap_range        = "35.235.240.0/20"
  app_tag          = "${var.name}-app"
}

resource "google_compute_firewall" "lb_to_app" {
  name        = "${var.name}-allow-lb-to-app"
  network     = google_compute_network.main.id
  description = "Google load balancer proxies and health checks to the Tally API port."
  direction   = "INGRESS"
  priority    = 1000

  source_ranges = local.google_lb_ranges
  target_tags   = [local.app_tag]

  allow {
    protocol = "tcp"
    ports    = [tostring(var.app_port)]
  }
}

resource "google_compute_firewall" "iap_ssh" {
  count = var.enable_iap_ssh ? 1 : 0

  name        = "${var.name}-allow-iap-ssh"
  network     = google_compute_network.main.id
  description = "SSH through Identity-Aware Proxy only (gcloud compute ssh --tunnel-through-iap)."
  direction   = "INGRESS"
  priority    = 1000

  source_ranges = [local.iap_range]
  target_tags   = [local.app_tag]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
