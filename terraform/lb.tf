# Global external Application Load Balancer (Envoy-based, EXTERNAL_MANAGED) in front of the VM:
#
#   :443 ─ forwarding rule ─ HTTPS proxy (managed cert) ─ URL map ─ backend service ─ instance group ─ VM:app_port
#   :80  ─ forwarding rule ─ HTTP proxy ─ URL map that redirects to https://
#
# One static IP serves both; the backend's health check asks /readyz (database, queue, model ready).

resource "google_compute_global_address" "app" {
  name        = "${var.name}-ip"
  description = "The public IP of Tally: point the domain's A record here."
  ip_version  = "IPV4"

  depends_on = [google_project_service.enabled]
}

resource "google_compute_managed_ssl_certificate" "app" {
  name = "${var.name}-cert"

  managed {
    domains = [var.domain]
  }

  depends_on = [google_project_service.enabled]
}

resource "google_compute_instance_group" "app" {
  name        = "${var.name}-app"
  description = "The GPU VM, as a load balancer backend."
  zone        = var.zone
  network     = google_compute_network.main.id
  instances   = [google_compute_instance.gpu.self_link]

  named_port {
    name = "http"
    port = var.app_port
  }
}

resource "google_compute_health_check" "app" {
  name                = "${var.name}-readyz"
  description         = "Tally readiness: the API answers 200 on /readyz when its dependencies are up."
  check_interval_sec  = 10
  timeout_sec         = 5
  healthy_threshold   = 2
  unhealthy_threshold = 3

  http_health_check {
    port         = var.app_port
    request_path = "/readyz"
  }

  log_config {
    enable = true
  }

  depends_on = [google_project_service.enabled]
}

resource "google_compute_backend_service" "app" {
  name                  = "${var.name}-backend"
  protocol              = "HTTP"
  port_name             = "http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  timeout_sec           = var.backend_timeout_sec
  health_checks         = [google_compute_health_check.app.id]

  backend {
    group           = google_compute_instance_group.app.id
    balancing_mode  = "UTILIZATION"
    max_utilization = 0.8
    capacity_scaler = 1.0
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

resource "google_compute_url_map" "https" {
  name            = "${var.name}-https"
  default_service = google_compute_backend_service.app.id
}

resource "google_compute_target_https_proxy" "app" {
  name             = "${var.name}-https-proxy"
  url_map          = google_compute_url_map.https.id
  ssl_certificates = [google_compute_managed_ssl_certificate.app.id]
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "${var.name}-https"
  target                = google_compute_target_https_proxy.app.id
  ip_address            = google_compute_global_address.app.address
  ip_protocol           = "TCP"
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

# Plain HTTP only redirects to HTTPS.
resource "google_compute_url_map" "http_redirect" {
  name = "${var.name}-http-redirect"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "${var.name}-http-proxy"
  url_map = google_compute_url_map.http_redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  name                  = "${var.name}-http"
  target                = google_compute_target_http_proxy.redirect.id
  ip_address            = google_compute_global_address.app.address
  ip_protocol           = "TCP"
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
