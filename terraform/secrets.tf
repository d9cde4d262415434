# PostgreSQL runs in a container on the VM and is reachable only from the compose network; its
# password still stays out of instance metadata: the startup script reads it from Secret Manager.
resource "random_password" "postgres" {
  length  = 32
  special = false
}

resource "google_secret_manager_secret" "postgres_password" {
  secret_id = "${var.name}-postgres-password"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "postgres_password" {
  secret      = google_secret_manager_secret.postgres_password.id
  secret_data = random_password.postgres.result
}

# Further settings for the containers (Stripe keys, admin credentials…) as a KEY=value env file.
# Terraform creates the empty secret; add a version with:
#   gcloud secrets versions add <name>-app-env --data-file=tally.env
resource "google_secret_manager_secret" "app_env" {
  secret_id = "${var.name}-app-env"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

# Redis asks for this password when the GPU worker pool reaches it over the VPC (compose.shared-data.yml).
resource "random_password" "redis" {
  length  = 32
  special = false
}

resource "google_secret_manager_secret" "redis_password" {
  secret_id = "${var.name}-redis-password"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "redis_password" {
  secret      = google_secret_manager_secret.redis_password.id
  secret_data = random_password.redis.result
}
