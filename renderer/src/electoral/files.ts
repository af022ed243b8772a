/** Bytes from the core handed to the browser: saved as a download, or opened in a new tab to print. */
export interface BytesFile {
  fileName: string;
  mime: string;
  content: Uint8Array;
}

export function saveBytes(file: BytesFile): void {
  const url = URL.createObjectURL(new Blob([file.content as BlobPart], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A PDF or a scan in a new tab (print from there); a download when pop-ups are blocked. */
export function openFile(file: BytesFile): void {
  const url = URL.createObjectURL(new Blob([file.content as BlobPart], { type: file.mime }));
  if (!window.open(url, '_blank')) saveBytes(file);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
