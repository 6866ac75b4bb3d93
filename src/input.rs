//! Reading input files as text: UTF-8 (with or without BOM) and UTF-16LE/BE with BOM, which is what
//! PowerShell's `Out-File` writes by default.

use std::path::Path;

use crate::error::{Error, Result};

/// Decodes `bytes` to text; `name` is used in the error message.
pub fn decode(name: &str, bytes: &[u8]) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(name, rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(name, rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(name, rest, u16::from_be_bytes);
    }
    utf8(name, bytes)
}

fn utf8(name: &str, bytes: &[u8]) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let (line, col) = line_col(&bytes[..e.valid_up_to()]);
            Err(Error::input(format!(
                "{name}:{line}:{col}: the file is not valid UTF-8 (byte 0x{:02X}); save it as UTF-8, or as UTF-16 with a byte-order mark",
                bytes[e.valid_up_to()]
            )))
        }
    }
}

fn utf16(name: &str, bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Error::input(format!(
            "{name}: the file starts with a UTF-16 byte-order mark but has an odd number of bytes; it is truncated or not UTF-16"
        )));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<std::result::Result<String, _>>()
        .map_err(|e| {
            Error::input(format!(
                "{name}: the file is not valid UTF-16 (unpaired surrogate 0x{:04X})",
                e.unpaired_surrogate()
            ))
        })
}

fn line_col(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = prefix.len()
        - prefix
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// Reads and decodes a file. Plain UTF-8 (the common case) is taken over without a copy.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bom = matches!(
        bytes.get(..2),
        Some([0xFF, 0xFE] | [0xFE, 0xFF] | [0xEF, 0xBB])
    );
    if bom {
        return decode(&path.display().to_string(), &bytes);
    }
    String::from_utf8(bytes).or_else(|e| decode(&path.display().to_string(), e.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms() {
        assert_eq!(decode("x", b"\xEF\xBB\xBF{}").unwrap(), "{}");
        assert_eq!(decode("x", b"\xFF\xFE{\x00}\x00").unwrap(), "{}");
        assert_eq!(decode("x", b"\xFE\xFF\x00{\x00}").unwrap(), "{}");
        assert_eq!(decode("x", b"{}").unwrap(), "{}");
    }

    #[test]
    fn bad_bytes_are_located() {
        let err = decode("f.json", b"{\n  \"a\": \xFF}")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "f.json:2:8: the file is not valid UTF-8 (byte 0xFF); save it as UTF-8, or as UTF-16 with a byte-order mark"
        );
        assert!(decode("f", b"\xFF\xFE{").is_err());
    }
}
