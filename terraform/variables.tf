variable "project" {
  description = "GCP project id to deploy into (must have billing and A100 quota in the zone)."
  type        = string
}

variable "region" {
  description = "Region for the subnet, the bucket, the image repository and Cloud NAT."
  type        = string
  default     = "us-central1"
}

variable "zone" {
  description = "Zone of the GPU VM and its data disk; must offer the chosen GPU (A100 40GB: us-central1-a, -b, -c, -f)."
  type        = string
  default     = "us-central1-a"
}

variable "name" {
  description = "Prefix of every resource name (lowercase letters, digits and hyphens)."
  type        = string
  default     = "tally"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,18}[a-z0-9]$", var.name))
    error_message = "name must be 4 to 20 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "labels" {
  description = "Labels put on every resource that takes labels (for billing reports)."
  type        = map(string)
  default = {
    app = "tally"
  }
}

variable "machine_type" {
  description = "Machine type of the GPU VM. a2-highgpu-1g: 12 vCPUs, 85 GB RAM, one A100 40GB."
  type        = string
  default     = "a2-highgpu-1g"
}

variable "gpu_type" {
  description = "Accelerator attached to the VM. A2 machine types come with their A100s; the block must match them."
  type        = string
  default     = "nvidia-tesla-a100"
}

variable "gpu_count" {
  description = "Number of GPUs (a2-highgpu-1g has exactly 1)."
  type        = number
  default     = 1
}

variable "boot_image" {
  description = "Boot image. Ubuntu 22.04 LTS: the startup script installs the NVIDIA driver, Docker and the container toolkit. A Deep Learning VM image (deeplearning-platform-release) with a preinstalled driver also works; the script then skips the driver."
  type        = string
  default     = "ubuntu-os-cloud/ubuntu-2204-lts"
}

variable "boot_disk_gb" {
  description = "Boot disk size in GB (OS, driver, Docker images: the GPU image is about 10 GB)."
  type        = number
  default     = 50
}

variable "data_disk_gb" {
  description = "Size in GB of the separate persistent data disk for PostgreSQL, models, scratch copies of videos and the TensorRT engine cache."
  type        = number
  default     = 100
}

variable "data_disk_type" {
  description = "Persistent disk type of the data disk: pd-balanced (cheaper) or pd-ssd (faster random I/O for PostgreSQL)."
  type        = string
  default     = "pd-balanced"

  validation {
    condition     = contains(["pd-balanced", "pd-ssd"], var.data_disk_type)
    error_message = "data_disk_type must be pd-balanced or pd-ssd."
  }
}

variable "secure_boot" {
  description = "Shielded VM Secure Boot. Off by default: the NVIDIA kernel module must be signed for it (Ubuntu's signed linux-modules-nvidia packages are; DKMS builds are not). vTPM and integrity monitoring are always on."
  type        = bool
  default     = false
}

variable "nvidia_driver_branch" {
  description = "NVIDIA server driver branch installed by the startup script (570 supports CUDA 12.8; CUDA 13 images need 580 or newer)."
  type        = string
  default     = "570"
}

variable "subnet_cidr" {
  description = "IPv4 range of the VM's subnet."
  type        = string
  default     = "10.10.0.0/24"
}

variable "app_port" {
  description = "Port the Tally API listens on inside the VM (published by the api container); the load balancer's named port."
  type        = number
  default     = 3000
}

variable "enable_iap_ssh" {
  description = "Allow SSH to the VM through Identity-Aware Proxy (35.235.240.0/20, port 22 only). The VM has no external IP either way."
  type        = bool
  default     = true
}

variable "domain" {
  description = "Domain name for the Google-managed certificate, e.g. tally.example.com. Point its A record at the `ip` output; the certificate becomes ACTIVE after DNS resolves (up to an hour)."
  type        = string
}

variable "backend_timeout_sec" {
  description = "Load balancer backend timeout in seconds: the longest an API request (e.g. an upload through the API) may take."
  type        = number
  default     = 900
}

variable "bucket_name" {
  description = "Name of the GCS bucket for source videos and models; empty for \"<project>-<name>-videos\"."
  type        = string
  default     = ""
}

variable "bucket_location" {
  description = "Location of the bucket: the VM's region keeps transfers free and fast."
  type        = string
  default     = "US-CENTRAL1"
}

variable "video_retention_days" {
  description = "Days after upload when source videos are deleted by the bucket's lifecycle rule (the app also gets TALLY_VIDEO_RETENTION_HOURS = days × 24)."
  type        = number
  default     = 3

  validation {
    condition     = var.video_retention_days >= 1 && floor(var.video_retention_days) == var.video_retention_days
    error_message = "video_retention_days must be a whole number of days, at least 1."
  }
}

variable "video_prefixes" {
  description = "Object name prefixes of source videos, deleted after video_retention_days. The app stores them as tenants/{tenant}/videos/{video}; models live under models/ and are kept."
  type        = list(string)
  default     = ["tenants/"]
}

variable "image_tag" {
  description = "Tag of the images in the Artifact Registry repository: <tag> for the CPU image (api), <tag>-gpu for the GPU image (worker). Pin a version; changing it and re-running the startup script (or rebooting) deploys it."
  type        = string
  default     = "latest"
}

variable "model_file" {
  description = "Model file the worker loads, copied at boot from gs://<bucket>/models/ to the data disk."
  type        = string
  default     = "yolov5n-dynamic.onnx"
}

variable "worker_concurrency" {
  description = "Videos one GPU worker analyses at once; their frames are batched together on the GPU."
  type        = number
  default     = 16
}

variable "batch_max_size" {
  description = "Most frames in one GPU inference batch (TALLY_BATCH_MAX_SIZE)."
  type        = number
  default     = 32
}

variable "worker_pool_max_size" {
  description = "Most GPU workers in the autoscaled pool beside the main VM (workers.tf); 0 = no pool."
  type        = number
  default     = 0

  validation {
    condition     = var.worker_pool_max_size >= 0 && var.worker_pool_max_size <= 32
    error_message = "worker_pool_max_size must be between 0 (no pool) and 32."
  }
}

variable "worker_pool_min_size" {
  description = "Fewest GPU workers in the pool: 0 lets it shrink to nothing when no job waits."
  type        = number
  default     = 0
}

variable "worker_pool_jobs_per_worker" {
  description = "Backlog (jobs waiting or running) per pool worker the autoscaler aims for; usually worker_concurrency."
  type        = number
  default     = 16
}

variable "worker_pool_init_seconds" {
  description = "Seconds a new pool worker needs before it takes jobs (driver install and reboot on first boot, image pull, model load)."
  type        = number
  default     = 900
}

variable "batch_max_wait_ms" {
  description = "Most milliseconds a frame waits for its batch to fill (TALLY_BATCH_MAX_WAIT_MS)."
  type        = number
  default     = 5
}
