# The VM's identity. Least privilege: objects of its own bucket, pulling its own images, reading its
# own secrets, signing its own upload URLs, writing logs and metrics. No project-wide storage or
# compute roles.
resource "google_service_account" "vm" {
  account_id   = "${var.name}-vm"
  display_name = "Tally GPU VM"
  description  = "Runs the Tally API and worker containers on the GPU VM."

  depends_on = [google_project_service.enabled]
}

locals {
  vm_member = "serviceAccount:${google_service_account.vm.email}"
}

resource "google_storage_bucket_iam_member" "vm_objects" {
  bucket = google_storage_bucket.videos.name
  role   = "roles/storage.objectAdmin"
  member = local.vm_member
}

resource "google_project_iam_member" "vm_log_writer" {
  project = var.project
  role    = "roles/logging.logWriter"
  member  = local.vm_member
}

resource "google_project_iam_member" "vm_metric_writer" {
  project = var.project
  role    = "roles/monitoring.metricWriter"
  member  = local.vm_member
}

resource "google_artifact_registry_repository_iam_member" "vm_pull" {
  project    = var.project
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.reader"
  member     = local.vm_member
}

resource "google_secret_manager_secret_iam_member" "vm_postgres_password" {
  project   = var.project
  secret_id = google_secret_manager_secret.postgres_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = local.vm_member
}

resource "google_secret_manager_secret_iam_member" "vm_redis_password" {
  project   = var.project
  secret_id = google_secret_manager_secret.redis_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = local.vm_member
}

resource "google_secret_manager_secret_iam_member" "vm_app_env" {
  project   = var.project
  secret_id = google_secret_manager_secret.app_env.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = local.vm_member
}

# V4 signed upload URLs without a key file: the VM signs with its own identity (signBlob on itself only).
resource "google_service_account_iam_member" "vm_sign_self" {
  service_account_id = google_service_account.vm.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.vm_member
}
