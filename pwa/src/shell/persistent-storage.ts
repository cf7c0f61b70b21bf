// Without persistence the browser may evict IndexedDB under storage pressure,
// and for Kura that would drop images not yet uploaded. Chrome decides
// silently from site engagement and Firefox asks the user, so ask only once.
export async function requestPersistentStorage(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  try {
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}
