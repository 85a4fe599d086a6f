//! How products are filed, as staff arrange it: the category tree (create, rename, move under another parent,
//! reorder, delete when empty) and collections (create, edit, feature on the home page, reorder, delete).

use crate::domain::slug::Slug;
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

/// One category in the tree, in tree order; `depth` 0 is a top-level category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryNode {
    pub category_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub position: i32,
    pub depth: i32,
    /// Products filed directly in it.
    pub products: i64,
    /// Categories directly under it.
    pub children: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionRow {
    pub collection_id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub featured: bool,
    pub position: i32,
    pub products: i64,
}

/// The category form parsed: `category_id` is `None` for a new one, `parent_id` `None` for the top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryInput {
    pub category_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub position: i32,
}

/// The collection form parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionInput {
    pub collection_id: Option<i64>,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub featured: bool,
    pub position: i32,
}

fn optional_id(raw: &str, field: &'static str) -> Result<Option<i64>, DomainError> {
    super::optional_id(raw, field, "Choose one from the list.")
}

/// The name (required, at most 200 characters), the slug (from the name when blank), the description (at most
/// 2,000 characters) and the position (a whole number from 0 to 10,000; blank is 0) every form here shares.
fn common(
    name: &str,
    slug: &str,
    description: &str,
    position: &str,
) -> Result<(String, Slug, String, i32), DomainError> {
    let (name, slug) = super::name_and_slug(
        name,
        slug,
        "Use lower-case letters, digits and single dashes, like summer-sale.",
    )?;
    let description = description.trim();
    if description.chars().count() > 2_000 {
        return Err(DomainError::TooLong {
            field: "description",
            max: 2_000,
        });
    }
    let position = match position.trim() {
        "" => 0,
        raw => raw
            .parse::<i32>()
            .ok()
            .filter(|p| (0..=10_000).contains(p))
            .ok_or(DomainError::Field {
                field: "position",
                message: "The position is a whole number from 0 to 10000; lower comes first.",
            })?,
    };
    Ok((name, slug, description.to_string(), position))
}

impl CategoryInput {
    pub fn parse(
        category_id: &str,
        parent: &str,
        name: &str,
        slug: &str,
        description: &str,
        position: &str,
    ) -> Result<Self, DomainError> {
        let category_id = optional_id(category_id, "category_id")?;
        let parent_id = optional_id(parent, "parent")?;
        if parent_id.is_some() && parent_id == category_id {
            return Err(DomainError::Field {
                field: "parent",
                message: "A category cannot be filed under itself.",
            });
        }
        let (name, slug, description, position) = common(name, slug, description, position)?;
        Ok(CategoryInput {
            category_id,
            parent_id,
            name,
            slug,
            description,
            position,
        })
    }
}

impl CollectionInput {
    pub fn parse(
        collection_id: &str,
        name: &str,
        slug: &str,
        description: &str,
        featured: &str,
        position: &str,
    ) -> Result<Self, DomainError> {
        let collection_id = optional_id(collection_id, "collection_id")?;
        let (name, slug, description, position) = common(name, slug, description, position)?;
        Ok(CollectionInput {
            collection_id,
            name,
            slug,
            description,
            featured: !featured.trim().is_empty(),
            position,
        })
    }
}

/// Which category or collection a delete form names.
pub fn parse_id(raw: &str, field: &'static str) -> Result<i64, DomainError> {
    optional_id(raw, field)?.ok_or(DomainError::Required { field })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_parses_with_a_suggested_slug() {
        let c = CategoryInput::parse("", "3", " Rain Coats ", "", "", "2").unwrap();
        assert_eq!(c.category_id, None);
        assert_eq!(c.parent_id, Some(3));
        assert_eq!(c.name, "Rain Coats");
        assert_eq!(c.slug.as_str(), "rain-coats");
        assert_eq!(c.position, 2);
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |r: Result<CategoryInput, DomainError>| r.unwrap_err().field();
        assert_eq!(field(CategoryInput::parse("", "", "", "", "", "")), "name");
        assert_eq!(
            field(CategoryInput::parse("", "x", "A", "", "", "")),
            "parent"
        );
        assert_eq!(
            field(CategoryInput::parse("4", "4", "A", "", "", "")),
            "parent"
        );
        assert_eq!(
            field(CategoryInput::parse("", "", "A", "Bad Slug", "", "")),
            "slug"
        );
        assert_eq!(
            field(CategoryInput::parse("", "", "A", "", "", "-1")),
            "position"
        );
        assert_eq!(field(CategoryInput::parse("", "", "—", "", "", "")), "slug");
        let long = "x".repeat(2_001);
        assert_eq!(
            field(CategoryInput::parse("", "", "A", "", &long, "")),
            "description"
        );
    }

    #[test]
    fn a_collection_is_featured_by_its_ticked_box() {
        let c = CollectionInput::parse("9", "Gifts", "gifts", "For others", "on", "").unwrap();
        assert_eq!(c.collection_id, Some(9));
        assert!(c.featured);
        assert!(
            !CollectionInput::parse("", "Gifts", "", "", "", "")
                .unwrap()
                .featured
        );
    }
}
