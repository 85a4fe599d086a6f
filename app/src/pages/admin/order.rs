//! `/admin/orders/:number`: one order for staff — lines and totals, the shipping address (decrypted, staff
//! only), payments, the timeline with who did what, a form for each action its state allows, and its returns
//! with a form for each step each return allows.

use super::{loaded, when, BUTTON, DANGER_BUTTON, INPUT};
use crate::api::admin::orders::{get_admin_order, ActOnOrder};
use crate::api::admin::returns::ReturnStep as TakeReturnStep;
use crate::components::error_view::FormError;
use crate::components::order_summary::OrderSummary;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::orders::{AdminOrder, OrderAction};
use crate::domain::checkout::PaymentMethod;
use crate::domain::returns::{ReturnStep, ReturnView};
use crate::domain::shipment::Carrier;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let order = Resource::new(
        move || params.read().get("number").unwrap_or_default(),
        get_admin_order,
    );
    view! {
        <PageMeta title="Order".into() description="One order.".into()/>
        {loaded(order, |order| view! { <OrderDetail order/> })}
    }
}

#[component]
fn OrderDetail(order: AdminOrder) -> impl IntoView {
    let AdminOrder {
        order,
        refunded,
        payments,
        events,
        refunds,
        actions,
    } = order;
    let a = order.address.clone();
    let number = order.number.clone();
    // Order lines are numbered from 1 in the order they are listed.
    let refundable_lines: Vec<(i32, String, u32)> = order
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                i32::try_from(i + 1).unwrap_or(i32::MAX),
                l.name(),
                l.quantity,
            )
        })
        .collect();
    let method = match order.payment_method {
        PaymentMethod::Card => "Card",
        PaymentMethod::Manual => "Bank transfer",
    };
    view! {
        <p class="text-sm"><a href="/admin/orders" class="underline">"← Orders"</a></p>
        <h1 class="mt-2 text-3xl font-bold tracking-tight">"Order " {order.number.clone()}</h1>
        <p class="mt-2 text-stone-700">
            <span data-testid="admin-order-status">{order.status.label()}</span>
            " · " {method} " · placed " {when(&order.placed_at)} " · " {order.email.clone()}
        </p>
        {order.pay_by.clone().map(|t| view! {
            <p class="mt-2 text-sm text-amber-800" data-testid="pay-by">"Holds its stock until " {when(&t)} "; unpaid by then, it is cancelled."</p>
        })}
        {(refunded.minor > 0).then(|| view! { <p class="mt-2 text-sm">"Refunded: " {refunded.to_string()}</p> })}
        {order.shipment.clone().map(|s| view! {
            <p class="mt-2 text-sm" data-testid="admin-shipment">
                "Shipped with " {s.carrier} ", tracking " <a class="underline" href=s.tracking_url.clone() rel="noopener noreferrer">{s.tracking_number}</a>
            </p>
        })}
        <Actions number=number.clone() actions lines=refundable_lines/>
        <Returns number returns=order.returns.clone()/>
        <div class="mt-8 grid gap-8 md:grid-cols-[1fr_22rem]">
            <div class="grid gap-6">
                <section class="rounded-lg border border-stone-200 bg-white p-4 text-sm" data-testid="admin-address">
                    <h2 class="font-semibold">"Shipping to"</h2>
                    <p class="mt-1">
                        {a.name}<br/>{a.line1}<br/>{a.line2.map(|l| view! { {l}<br/> })}
                        {format!("{} {}", a.postal_code, a.city)}<br/>{a.country.name()}
                        {a.phone.map(|p| view! { <br/>{p} })}
                    </p>
                    <p class="mt-2">"By " {order.shipping_method.clone()}</p>
                </section>
                <section class="text-sm">
                    <h2 class="font-semibold">"Payments"</h2>
                    <table class="mt-2 w-full text-left" data-testid="admin-payments">
                        <thead class="text-stone-600"><tr><th scope="col">"When"</th><th scope="col">"How"</th><th scope="col">"Amount"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>
                            {payments.into_iter().map(|p| view! {
                                <tr>
                                    <td>{when(&p.created_at)}</td>
                                    <td>{p.provider} {p.intent_id.map(|i| format!(" {i}"))}</td>
                                    <td>{p.amount.to_string()}</td>
                                    <td>{p.status} {p.failure_message.map(|m| format!(": {m}"))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                {(!refunds.is_empty()).then(|| view! {
                    <section class="text-sm">
                        <h2 class="font-semibold">"Refunds"</h2>
                        <ul class="mt-2 grid gap-1" data-testid="admin-refunds">
                            {refunds.into_iter().map(|r| view! {
                                <li data-testid="admin-refund">
                                    {when(&r.at)} " " <strong>{r.amount.to_string()}</strong> " " {r.status}
                                    {r.by.map(|b| format!(" by {b}"))} {r.note.map(|n| format!(" — {n}"))}
                                    {r.failure_message.map(|m| format!(" ({m})"))}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                <section class="text-sm">
                    <h2 class="font-semibold">"Timeline"</h2>
                    <ol class="mt-2 grid gap-1" data-testid="admin-timeline">
                        {events.into_iter().map(|e| view! {
                            <li data-testid="admin-event">
                                <span class="text-stone-600">{when(&e.at)}</span> " "
                                {e.from.map(|f| format!("{} → ", f.label()))}<strong>{e.to.label()}</strong>
                                {e.note.map(|n| format!(" — {n}"))}
                                " (" {e.by.unwrap_or_else(|| "shop".into())} ")"
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            </div>
            <OrderSummary lines=order.lines subtotal=order.totals.subtotal totals=Some(order.totals)/>
        </div>
    }
}

/// A form per action the order allows now.
#[component]
fn Actions(
    number: String,
    actions: Vec<OrderAction>,
    lines: Vec<(i32, String, u32)>,
) -> impl IntoView {
    let act = ServerAction::<ActOnOrder>::new();
    let error = form_error(act.value());
    let none = actions.is_empty();
    view! {
        <section id="actions" class="mt-6 rounded-lg border border-stone-200 bg-stone-50 p-4" data-testid="order-actions">
            <h2 class="font-semibold">"Actions"</h2>
            <FormError error/>
            <Show when=move || none>
                <p class="text-sm text-stone-600">"Nothing left to do with this order."</p>
            </Show>
            <div class="mt-2 grid gap-4">
                {actions.into_iter().map(|action| view! { <ActionFormFor act number=number.clone() action lines=lines.clone()/> }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn ActionFormFor(
    act: ServerAction<ActOnOrder>,
    number: String,
    action: OrderAction,
    /// (line number, name, quantity ordered), for a refund of chosen items.
    lines: Vec<(i32, String, u32)>,
) -> impl IntoView {
    let (label, danger) = match action {
        OrderAction::RecordPayment => ("Record bank transfer received", false),
        OrderAction::Fulfil => ("Mark packed", false),
        OrderAction::Ship => ("Mark shipped", false),
        OrderAction::Deliver => ("Mark delivered", false),
        OrderAction::Cancel => ("Cancel order", true),
        OrderAction::Refund => ("Refund", true),
    };
    let id = move |field: &str| format!("{}-{field}", action.as_str());
    let button = if danger { DANGER_BUTTON } else { BUTTON };
    view! {
        <ActionForm action=act attr:class="grid gap-2 sm:grid-cols-4 items-end" attr:data-testid=format!("action-{}", action.as_str())>
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="action" value=action.as_str()/>
            {(action == OrderAction::Ship).then(|| view! {
                <div>
                    <label for=id("carrier") class="block text-sm font-medium">"Carrier"</label>
                    <select id=id("carrier") name="carrier" class=INPUT>
                        {Carrier::ALL.into_iter().map(|c| view! { <option value=c.code()>{c.name()}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for=id("tracking") class="block text-sm font-medium">"Tracking number"</label>
                    <input id=id("tracking") name="tracking_number" required class=INPUT/>
                </div>
                <div>
                    <label for=id("url") class="block text-sm font-medium">"Tracking link (other carriers)"</label>
                    <input id=id("url") name="tracking_url" type="url" placeholder="https://" class=INPUT/>
                </div>
            })}
            {(action == OrderAction::Refund).then(|| view! {
                <fieldset class="sm:col-span-4">
                    <legend class="text-sm font-medium">"Items to refund (or an amount below)"</legend>
                    {lines.into_iter().map(|(line_no, name, quantity)| {
                        let fid = id(&format!("l{line_no}"));
                        view! {
                            <div class="flex items-center gap-2">
                                <select id=fid.clone() name=format!("lines[l{line_no}]") class="rounded-md border border-stone-300 px-2 py-1">
                                    {(0..=quantity).map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
                                </select>
                                <label for=fid>{name}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div>
                    <label for=id("amount") class="block text-sm font-medium">"Amount (blank: the items chosen, or all that is left)"</label>
                    <input id=id("amount") name="amount" inputmode="decimal" placeholder="12.50" class=INPUT/>
                </div>
            })}
            <div class=match action { OrderAction::Ship => "", OrderAction::Refund => "sm:col-span-2", _ => "sm:col-span-3" }>
                <label for=id("note") class="block text-sm font-medium">"Note (optional)"</label>
                <input id=id("note") name="note" maxlength="500" class=INPUT/>
            </div>
            <button type="submit" class=button>{label}</button>
        </ActionForm>
    }
}

/// The order's returns, each with a form per step it allows now.
#[component]
fn Returns(number: String, returns: Vec<ReturnView>) -> impl IntoView {
    if returns.is_empty() {
        return ().into_any();
    }
    let act = ServerAction::<TakeReturnStep>::new();
    let error = form_error(act.value());
    view! {
        <section id="returns" class="mt-6 rounded-lg border border-stone-200 bg-stone-50 p-4 text-sm" data-testid="admin-returns">
            <h2 class="font-semibold">"Returns"</h2>
            <FormError error/>
            <div class="mt-2 grid gap-4">
                {returns.into_iter().map(|r| {
                    let steps = ReturnStep::allowed(r.status);
                    let lines = r.lines.clone();
                    view! {
                        <article class="rounded-md border border-stone-200 bg-white p-3" data-testid="admin-return">
                            <h3 class="font-semibold">
                                {format!("Return {}", r.id)} " · " <span data-testid="admin-return-status">{r.status.label()}</span>
                            </h3>
                            <p class="text-stone-600">{when(&r.requested_at)} " · worth " {r.value.to_string()} " · “" {r.reason.clone()} "”"</p>
                            {r.staff_note.clone().map(|n| view! { <p>"Note to the shopper: " {n}</p> })}
                            <ul class="mt-1">
                                {r.lines.iter().map(|l| view! {
                                    <li>
                                        {format!("{} × {} ({})", l.quantity, l.name, l.sku)}
                                        {l.restocked.map(|back| if back { " — back on the shelf" } else { " — not restocked" })}
                                    </li>
                                }).collect_view()}
                            </ul>
                            {steps.into_iter().map(|step| view! {
                                <ReturnStepForm act number=number.clone() id=r.id step lines=lines.clone()/>
                            }).collect_view()}
                        </article>
                    }
                }).collect_view()}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn ReturnStepForm(
    act: ServerAction<TakeReturnStep>,
    number: String,
    id: i64,
    step: ReturnStep,
    lines: Vec<crate::domain::returns::ReturnLineView>,
) -> impl IntoView {
    let (label, note_label, danger) = match step {
        ReturnStep::Approve => ("Approve", "Where to send it (optional)", false),
        ReturnStep::Refuse => ("Refuse", "Why (sent to the shopper)", true),
        ReturnStep::Receive => ("Mark received", "Note (optional)", false),
        ReturnStep::Refund => ("Refund", "Note (optional)", true),
    };
    let field = move |name: &str| format!("return-{id}-{}-{name}", step.as_str());
    let button = if danger { DANGER_BUTTON } else { BUTTON };
    view! {
        <ActionForm action=act attr:class="mt-3 grid gap-2 sm:grid-cols-4 items-end" attr:data-testid=format!("return-{}", step.as_str())>
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="return_id" value=id.to_string()/>
            <input type="hidden" name="step" value=step.as_str()/>
            {(step == ReturnStep::Receive).then(|| view! {
                <fieldset class="sm:col-span-4">
                    <legend class="font-medium">"Back on the shelf"</legend>
                    {lines.into_iter().map(|l| {
                        let fid = field(&format!("l{}", l.line_no));
                        view! {
                            <div class="flex items-center gap-2">
                                <input type="checkbox" id=fid.clone() name=format!("restock[l{}]", l.line_no) checked=true/>
                                <label for=fid>{format!("{} × {}", l.quantity, l.name)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            {(step == ReturnStep::Refund).then(|| view! {
                <div>
                    <label for=field("amount") class="block text-sm font-medium">"Amount (blank: what the items were paid)"</label>
                    <input id=field("amount") name="amount" inputmode="decimal" placeholder="12.50" class=INPUT/>
                </div>
            })}
            <div class=if step == ReturnStep::Refund { "sm:col-span-2" } else { "sm:col-span-3" }>
                <label for=field("note") class="block text-sm font-medium">{note_label}</label>
                <input id=field("note") name="note" maxlength="500" required=step == ReturnStep::Refuse class=INPUT/>
            </div>
            <button type="submit" class=button>{label}</button>
        </ActionForm>
    }
}
