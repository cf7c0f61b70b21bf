/**
 * Announces each facility's new log head to its connected devices. The
 * WebSocket side lives in live-server.ts; routes only call these.
 */
export interface LiveHub {
  /** Tells every live connection of the facility that the log head is now `head`. */
  announce(facilityId: string, head: number): void;
  /** Closes the live connections of a device that was just revoked. */
  disconnectDevice(facilityId: string, deviceId: string): void;
  /** Open connections, for the operator and the memory bench. */
  connectionCount(): number;
}
