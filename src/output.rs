//! Writing results: stdout (a closed pipe ends quietly) or a file written atomically (a temporary file in
//! the same folder, then a rename), so a reader never sees half a role.

use std::io::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `text` to `path` atomically, or to `stdout` when `path` is `None` or `-`.
pub fn emit(text: &str, path: Option<&Path>, stdout: &mut dyn Write) -> Result<()> {
    match path {
        Some(p) if p != Path::new("-") => write_atomic(p, text.as_bytes()),
        _ => write_stdout(stdout, text.as_bytes()),
    }
}

/// Writes to stdout; a closed pipe (`rolegen … | head`) is not an error.
pub fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("<stdout>", e)),
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path.file_name().ok_or_else(|| {
        Error::usage(format!(
            "--output {:?} does not name a file",
            path.display().to_string()
        ))
    })?;
    if path.is_dir() {
        return Err(Error::usage(format!(
            "--output {} is a directory; give a file path",
            path.display()
        )));
    }
    let tmp = dir.join(format!(
        ".{}.rolegen-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("rolegen-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("role.json");
        write_atomic(&f, b"one").unwrap();
        write_atomic(&f, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
        assert!(write_atomic(&dir, b"x").is_err());
        let missing = dir.join("no/such/dir/role.json");
        assert!(write_atomic(&missing, b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn broken_pipe_is_quiet() {
        assert!(write_stdout(&mut Closed, b"x").is_ok());
    }
}
