output "ip" {
  description = "The load balancer's static IP: create an A record for the domain pointing here."
  value       = google_compute_global_address.app.address
}

output "url" {
  description = "Tally's public URL (works once DNS resolves and the managed certificate is ACTIVE)."
  value       = "https://${var.domain}"
}

output "bucket" {
  description = "The GCS bucket for source videos (deleted after the retention period) and models (under models/)."
  value       = google_storage_bucket.videos.name
}

output "image_repository" {
  description = "Push the images here: <repository>:<image_tag> (CPU, api) and <repository>:<image_tag>-gpu (worker)."
  value       = local.image_repository
}

output "instance" {
  description = "Name and zone of the GPU VM."
  value       = "${google_compute_instance.gpu.name} (${var.zone})"
}

output "ssh" {
  description = "SSH to the VM through IAP (needs enable_iap_ssh)."
  value       = "gcloud compute ssh ${google_compute_instance.gpu.name} --zone ${var.zone} --project ${var.project} --tunnel-through-iap"
}

output "worker_pool" {
  description = "The autoscaled GPU worker pool (instance group), or null without one."
  value       = local.worker_pool ? "${google_compute_instance_group_manager.workers[0].name} (${var.zone}, 0..${var.worker_pool_max_size} workers)" : null
}

output "app_env_secret" {
  description = "Secret Manager secret holding further container settings (KEY=value lines)."
  value       = google_secret_manager_secret.app_env.secret_id
}
