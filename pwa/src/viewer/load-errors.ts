// Why an image is not on screen, in words for the person looking at it.

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    // The DICOM image loader rejects with { error, dataSet }.
    const inner = (error as { error?: unknown }).error;
    if (inner !== undefined && inner !== error) return messageOf(inner);
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return '';
}

export function describeLoadError(error: unknown): string {
  if (error instanceof Error && error.name === 'ImageLoadError' && error.cause !== undefined) return describeLoadError(error.cause);
  if (error instanceof Error && error.name === 'ViewerClosedError') return 'The viewer was closed.';
  const detail = messageOf(error).trim();
  if (/no decoder for transfer syntax/i.test(detail)) {
    return `This image cannot be decoded here: its compression is not supported (${detail.replace(/^.*syntax\s*/i, 'transfer syntax ')}).`;
  }
  if (/pixel data is missing|no pixel data/i.test(detail)) {
    return 'This file holds no image (no Pixel Data): it may be a report, a PDF or a presentation state.';
  }
  if (/locked|session/i.test(detail)) return 'The archive is locked. Unlock it to view images.';
  return detail
    ? `This image could not be decoded: ${detail}`
    : 'This image could not be decoded. The file may be damaged or use an unsupported encoding.';
}
