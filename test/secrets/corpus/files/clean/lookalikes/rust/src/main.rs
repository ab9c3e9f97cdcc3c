use std::env;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api_key = env::var("API_KEY")?;
    let password = rpassword::prompt_password("Password: ")?;
    let secret = Secret::new(password);
    println!("loaded key of {} bytes", api_key.len());
    Ok(())
}
