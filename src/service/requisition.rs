//! The requisition: the paper (PDF) that goes with the patient or the sample to the lab, with the
//! patient, the lab account the lab bills and reports on, the tests, the ordering physician and
//! the order number as a Code 128 barcode the lab scans.
use code128::Code128;
use printpdf::{BuiltinFont, IndirectFontRef, Mm, PdfDocument, PdfLayerReference, Rect};

use crate::domain::order_input::Gender;
use crate::error::AppError;
use crate::service::orders::OrderView;

/// The barcode's bars as (x, width) in modules, the quiet zone included (10 modules each side).
pub fn barcode_bars(text: &str) -> (Vec<(u32, u8)>, usize) {
    let code = Code128::encode(text.as_bytes());
    let bars = code.bar_coordinates().map(|b| (b.x, b.width)).collect();
    (bars, code.len())
}

struct Page {
    layer: PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    /// Where the next line goes, in mm from the bottom.
    y: f32,
}

impl Page {
    fn line(&mut self, text: &str, size: f32, bold: bool) {
        let font = if bold { &self.bold } else { &self.regular };
        self.layer.use_text(text, size, Mm(20.0), Mm(self.y), font);
        self.y -= size * 0.5 + 1.5;
    }

    fn field(&mut self, label: &str, value: &str) {
        self.layer
            .use_text(label, 9.0, Mm(20.0), Mm(self.y), &self.bold);
        self.layer
            .use_text(value, 10.0, Mm(62.0), Mm(self.y), &self.regular);
        self.y -= 6.0;
    }

    fn gap(&mut self) {
        self.y -= 3.0;
    }

    /// The order number as a barcode 150 mm wide and 16 mm high.
    fn barcode(&mut self, text: &str) {
        let (bars, modules) = barcode_bars(text);
        let module = 150.0 / modules.max(1) as f32;
        let (bottom, top) = (self.y - 16.0, self.y);
        for (x, width) in bars {
            let left = 20.0 + x as f32 * module;
            let right = left + f32::from(width) * module;
            self.layer
                .add_rect(Rect::new(Mm(left), Mm(bottom), Mm(right), Mm(top)));
        }
        self.y = bottom - 5.0;
        self.layer
            .use_text(text, 9.0, Mm(20.0), Mm(self.y), &self.regular);
        self.y -= 8.0;
    }
}

fn failed(e: printpdf::Error) -> AppError {
    AppError::Internal(format!("making the requisition PDF: {e}"))
}

/// The order's requisition as a one-page A4 PDF.
pub fn pdf(view: &OrderView) -> Result<Vec<u8>, AppError> {
    let (doc, page, layer) =
        PdfDocument::new("Laboratory requisition", Mm(210.0), Mm(297.0), "page");
    let mut p = Page {
        layer: doc.get_page(page).get_layer(layer),
        regular: doc
            .add_builtin_font(BuiltinFont::Helvetica)
            .map_err(failed)?,
        bold: doc
            .add_builtin_font(BuiltinFont::HelveticaBold)
            .map_err(failed)?,
        y: 277.0,
    };
    let d = &view.details;
    let a = &view.address;
    let lab = view
        .lab
        .as_ref()
        .map(|l| l.name.clone())
        .unwrap_or_else(|| view.row.lab_slug.display_name().to_string());
    p.line("Laboratory requisition", 18.0, true);
    p.line(&lab, 12.0, false);
    p.gap();
    p.field("Bill to account", &view.account.provider_account_id);
    p.field("Account name", &view.account.display_name());
    p.field("Billing", view.row.billing_type.label());
    p.field(
        "Priority",
        if view.row.priority { "STAT" } else { "Routine" },
    );
    p.field(
        "Ordered",
        &view.row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    p.gap();
    p.line("Order number", 9.0, true);
    p.barcode(view.row.id.as_str());
    p.line("Patient", 12.0, true);
    p.field("Name", &format!("{}, {}", d.last_name, d.first_name));
    p.field("Date of birth", &d.dob.format("%Y-%m-%d").to_string());
    p.field(
        "Sex",
        match d.gender {
            Gender::Female => "Female",
            Gender::Male => "Male",
            _ => "Unknown",
        },
    );
    p.field("Phone", &d.phone_number);
    p.field(
        "Address",
        &format!("{}, {}, {} {}", a.first_line, a.city, a.state, a.zip),
    );
    p.gap();
    p.line("Ordering physician", 12.0, true);
    match &view.physician {
        Some(ph) => {
            p.field("Name", &format!("{} {}", ph.first_name, ph.last_name));
            p.field("NPI", &ph.npi);
        }
        None => p.field("Name", "Physician network (ordering under the lab account)"),
    }
    p.gap();
    p.line("Tests", 12.0, true);
    for t in &view.tests {
        p.field(&t.slug, &t.name);
    }
    let icd = view.row.icd_list();
    if !icd.is_empty() {
        p.field("Diagnosis (ICD-10)", &icd.join(", "));
    }
    if let Some(notes) = view.row.clinical_notes.as_deref() {
        for (i, line) in notes.lines().take(4).enumerate() {
            p.field(if i == 0 { "Clinical notes" } else { "" }, line);
        }
    }
    doc.save_to_bytes().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_barcode_reads_back_as_the_order_number() {
        let id = "01a235b1-5fb1-7071-acd8-801c9a33e261";
        let code = Code128::encode(id.as_bytes());
        let bars: Vec<code128::Bar> = code.bars().collect();
        assert_eq!(code128::decode(&bars).unwrap(), id.as_bytes());
        let (coordinates, modules) = barcode_bars(id);
        assert_eq!(coordinates.len(), bars.len());
        assert!(coordinates
            .iter()
            .all(|(x, w)| *x >= 10 && (1..=4).contains(w)));
        assert!(coordinates
            .iter()
            .all(|(x, w)| x + u32::from(*w) <= modules as u32 - 10));
    }
}
