// Tags as dicom-parser keys its elements: 'x' + group + element, lower-case hex.

const NAMES: Record<string, string> = {
  x7fe00010: 'Pixel Data',
  x00420011: 'Encapsulated Document',
  x00041220: 'Directory Record Sequence',
};

/** 'x7fe00010' → '(7FE0,0010)', the way PS3.6 writes tags. */
export function formatTag(tag: string): string {
  const hex = tag.slice(1).toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** 'Pixel Data (7FE0,0010)', or 'element (0009,1001)' for tags without a name here. */
export function describeTag(tag: string): string {
  const name = NAMES[tag];
  return name ? `${name} ${formatTag(tag)}` : `element ${formatTag(tag)}`;
}
