// embed_migrations! reads the migration folders at compile time; without this a new migration
// would be silently left out of the binary.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
