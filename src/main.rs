fn main() {
    std::process::exit(golive::cli::run());
}
