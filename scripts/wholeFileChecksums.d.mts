export const WHOLE_FILE_CHECKSUMS: Readonly<Record<number, string>>;
