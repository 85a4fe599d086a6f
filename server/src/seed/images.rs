//! Product images drawn as SVG by the seeder: no downloads, deterministic, small, and they scale to any size.

use std::path::Path;

pub const SIZE: u32 = 800;

/// A square picture: a background tint, a shape that depends on `variant`, and the product's initials.
pub fn svg(label: &str, hue: u32, variant: u32) -> String {
    let initials: String = label
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let bg = format!("hsl({hue} 45% 88%)");
    let fg = format!("hsl({hue} 45% 38%)");
    let accent = format!("hsl({} 55% 60%)", (hue + 40) % 360);
    let shape = match variant % 3 {
        0 => format!(r#"<circle cx="400" cy="360" r="220" fill="{accent}"/>"#),
        1 => format!(r#"<rect x="190" y="150" width="420" height="420" rx="48" fill="{accent}"/>"#),
        _ => format!(r#"<path d="M400 120 L660 580 L140 580 Z" fill="{accent}"/>"#),
    };
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 800 800"><rect width="800" height="800" fill="{bg}"/>{shape}<text x="400" y="720" text-anchor="middle" font-family="system-ui, sans-serif" font-size="96" font-weight="700" fill="{fg}">{initials}</text></svg>"#
    )
}

pub async fn write(dir: &Path, relative: &str, content: &str) -> std::io::Result<()> {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    tokio::fs::write(path, content).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_deterministic_and_escapes_nothing_unsafe() {
        let a = svg("Linen <Shirt>", 120, 1);
        assert_eq!(a, svg("Linen <Shirt>", 120, 1));
        assert!(a.contains(">LS</text>"));
        assert!(!a.contains("<Shirt>"));
    }
}
