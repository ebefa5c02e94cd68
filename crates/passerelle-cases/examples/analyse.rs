//! Prints how the search analysers see words: `cargo run -p passerelle-cases --example analyse -- WORDS…`.
fn main() {
    let words: Vec<String> = std::env::args().skip(1).collect();
    let text = words.join(" ");
    println!("en: {:?}", passerelle_cases::search::analyse(&text, "en"));
    println!("fr: {:?}", passerelle_cases::search::analyse(&text, "fr"));
}
