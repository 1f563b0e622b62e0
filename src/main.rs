/// mimalloc: builds allocate and free millions of small strings from two threads;
/// it is faster at that than glibc's allocator and returns memory more readily.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(golive::cli::run());
}
