/**
 * A symbol under construction: module colours plus which modules belong to
 * function patterns, because data placement and masking must skip those.
 */
export class _Grid {
  readonly modules: Uint8Array;
  readonly reserved: Uint8Array;

  constructor(readonly size: number) {
    this.modules = new Uint8Array(size * size);
    this.reserved = new Uint8Array(size * size);
  }

  /** x is the column, y the row, as in the spec's figures. */
  get(x: number, y: number): boolean {
    return this.modules[y * this.size + x] === 1;
  }

  isReserved(x: number, y: number): boolean {
    return this.reserved[y * this.size + x] === 1;
  }

  /** Sets a module that is part of a function pattern. */
  setFunction(x: number, y: number, dark: boolean): void {
    const i = y * this.size + x;
    this.modules[i] = dark ? 1 : 0;
    this.reserved[i] = 1;
  }

  setData(x: number, y: number, dark: boolean): void {
    this.modules[y * this.size + x] = dark ? 1 : 0;
  }

  clone(): _Grid {
    const copy = new _Grid(this.size);
    copy.modules.set(this.modules);
    copy.reserved.set(this.reserved);
    return copy;
  }
}
