/** MAX_MESSAGE_BYTES caps one JSON-RPC message either way (the SDK's own stdio reader stops at 10 MiB). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
