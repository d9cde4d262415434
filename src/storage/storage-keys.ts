const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function videoKey(tenantId: string, videoId: string): string {
  if (!UUID.test(tenantId) || !UUID.test(videoId)) throw new Error(`not a uuid: ${tenantId}/${videoId}`);
  return `tenants/${tenantId}/videos/${videoId}`;
}

/** Keys are built by the service, never from client input; this still refuses anything that could escape a root. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
  }
}
