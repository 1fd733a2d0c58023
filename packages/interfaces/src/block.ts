/**
 * The host side of a block device (a disk image file, a buffer in a test, a
 * browser store). Offsets and lengths are in bytes; the device only asks for whole
 * 512-byte sectors inside `sizeBytes`, so a backend need not re-check ranges.
 *
 * Calls are synchronous (a host adapter may block on sync file calls or wait on a
 * worker). A backend reports failure by throwing; the device turns any throw into
 * an I/O error for the guest (virtio-blk VIRTIO_BLK_S_IOERR) and never lets it
 * escape into the hart loop.
 */
export interface BlockBackend {
  /** Size of the medium in bytes, a multiple of 512 (one sector). */
  readonly sizeBytes: number;
  /** True when the guest must not write (writes fail with an I/O error). */
  readonly readOnly: boolean;
  /**
   * Fills `dest` with the bytes at [offset, offset + dest.length). `dest` may be a
   * view straight into guest RAM: valid only during the call, never kept.
   */
  read(offset: number, dest: Uint8Array): void;
  /**
   * Writes `src` at [offset, offset + src.length). `src` may be a view straight into
   * guest RAM: valid only during the call, so copy it before returning if needed.
   */
  write(offset: number, src: Uint8Array): void;
  /** Makes every completed write stable (fsync or equivalent). */
  flush(): void;
  /** Serial string reported to the guest (virtio-blk GET_ID: ASCII, at most 20 bytes used). */
  readonly id?: string;
}

/** Size of one sector in bytes: the unit of block device addressing (virtio-blk, 5.2.6). */
export const SECTOR_SIZE = 512;
