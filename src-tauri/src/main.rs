//! The Dropdesk binary: only starts the app; everything lives in the library.

fn main() {
    dropdesk::run()
}
