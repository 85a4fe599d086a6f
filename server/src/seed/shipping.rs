//! The demo shop's shipping zones, methods and tax rates: France at home, the rest of the EU, and the world.
//! Merchants replace these with their own (admin screens come later).

use sqlx::PgConnection;

pub async fn load(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("delete from shipping_zone")
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "insert into shipping_zone (name, tax_rate_bp)
         values ('Domestic', 2000), ('European Union', 2000), ('Rest of world', 0)"
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into shipping_zone_country (country, shipping_zone_id)
         select c, z.shipping_zone_id
         from shipping_zone z
         cross join lateral unnest(case z.name
             when 'Domestic' then array['FR']
             when 'European Union' then array['AT','BE','BG','CY','CZ','DE','DK','EE','ES','FI','GR','HR','HU','IE',
                                              'IT','LT','LU','LV','MT','NL','PL','PT','RO','SE','SI','SK']
             else array['AU','CA','CH','GB','NO','US'] end) c"
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into shipping_method (shipping_zone_id, code, name, price_minor, currency, free_over_minor, position)
         select z.shipping_zone_id, m.code, m.name, m.price, 'EUR', m.free_over, m.position
         from shipping_zone z
         join (values ('Domestic', 'standard', 'Standard (2–4 days)', 495::bigint, 5000::bigint, 1),
                      ('Domestic', 'express', 'Express (next day)', 1290, null, 2),
                      ('European Union', 'standard', 'Standard (4–7 days)', 995, 10000, 1),
                      ('European Union', 'express', 'Express (2–3 days)', 1990, null, 2),
                      ('Rest of world', 'standard', 'International (7–14 days)', 2490, null, 1))
             as m(zone, code, name, price, free_over, position) on m.zone = z.name"
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
