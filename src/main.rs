use std::process::ExitCode;

fn main() -> ExitCode {
    lbconform::cli::main()
}
