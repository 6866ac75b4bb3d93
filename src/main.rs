//! The `rolegen` binary: parse arguments, run, map the result to an exit code
//! (0 ok, 1 findings, 2 usage or input error).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match rolegen::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout with exit 0; usage errors to stderr with exit 2.
            let code = if e.use_stderr() {
                rolegen::exit::ERROR
            } else {
                rolegen::exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    match rolegen::cli::run(cli, &mut out, &mut err) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(rolegen::exit::ERROR)
        }
    }
}
