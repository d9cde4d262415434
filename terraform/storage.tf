locals {
  bucket_name = var.bucket_name != "" ? var.bucket_name : "${var.project}-${var.name}-videos"
}

# Source videos (deleted after the retention period) and models (kept, under models/).
resource "google_storage_bucket" "videos" {
  name          = local.bucket_name
  location      = var.bucket_location
  storage_class = "STANDARD"
  labels        = var.labels
  force_destroy = false

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  # Videos are written once and deleted; old versions would only cost money.
  versioning {
    enabled = false
  }

  lifecycle_rule {
    condition {
      age            = var.video_retention_days
      matches_prefix = var.video_prefixes
    }
    action {
      type = "Delete"
    }
  }

  # Resumable or multipart uploads abandoned half-way.
  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  # Browsers upload straight to the bucket with V4 signed PUT URLs issued by the API.
  cors {
    origin          = ["https://${var.domain}"]
    method          = ["PUT"]
    response_header = ["Content-Type"]
    max_age_seconds = 3600
  }

  depends_on = [google_project_service.enabled]
}

resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = var.name
  format        = "DOCKER"
  description   = "Tally container images (CPU api, GPU worker)."
  labels        = var.labels

  depends_on = [google_project_service.enabled]
}
