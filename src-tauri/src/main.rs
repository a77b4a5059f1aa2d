fn main() {
    dropdesk::run()
}
