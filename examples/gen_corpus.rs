//! Writes a golive site with N realistic releases across 20 products, for
//! benchmarks: `cargo run --release --example gen_corpus -- N DIR`.
//!
//! Deterministic: the same N gives the same files, byte for byte. Releases look
//! like the example site's: 40-80 checklist items (inline categories plus the
//! shared production checklist), risks, blockers, a timeline, rollback,
//! approvals, escalation, runbooks; about a fifth deployed and a tenth postponed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// SplitMix64: a tiny, well-known generator; enough for varied test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const PRODUCTS: [&str; 20] = [
    "Northwind ERP",
    "Contoso CRM",
    "Fabrikam Billing",
    "Tailspin Portal",
    "Wingtip Payments",
    "Adventure Works Shop",
    "Litware Search",
    "Proseware Ledger",
    "Woodgrove Banking",
    "Lucerne Mail",
    "Margie Travel",
    "Coho Logistics",
    "Humongous HR",
    "Alpine Inventory",
    "Blue Yonder Analytics",
    "Fourth Coffee POS",
    "Graphic Design Hub",
    "Trey Research Lab",
    "Wide World Importers",
    "Southridge Video",
];
const PEOPLE: [(&str, &str, &str); 12] = [
    ("ana", "Ana Lima", "Release Manager"),
    ("dana", "Dana Kim", "CTO"),
    ("sam", "Sam Ortiz", "Product Manager"),
    ("lee", "Lee Park", "DevOps Lead"),
    ("ravi", "Ravi Iyer", "DBA"),
    ("mia", "Mia Chen", "Security Officer"),
    ("tom", "Tom Weber", "Tech Lead"),
    ("zoe", "Zoe Adams", "QA Lead"),
    ("omar", "Omar Haddad", "SRE"),
    ("ines", "Ines Costa", "Backend Lead"),
    ("kai", "Kai Tanaka", "Frontend Lead"),
    ("lena", "Lena Fischer", "Support Lead"),
];
const GROUPS: [(&str, &[&str]); 6] = [
    ("dba-team", &["ravi"]),
    ("devops", &["lee", "omar"]),
    ("backend", &["ines", "tom"]),
    ("qa", &["zoe"]),
    ("security-team", &["mia"]),
    (
        "all-stakeholders",
        &["ana", "dana", "sam", "lee", "ravi", "mia", "tom", "zoe"],
    ),
];
const OWNERS: [&str; 8] = [
    "dba-team",
    "devops",
    "backend",
    "qa",
    "security-team",
    "ana",
    "tom",
    "kai",
];
const RUNBOOKS: [&str; 5] = [
    "database-connection-errors",
    "high-response-time",
    "authentication-failures",
    "queue-backlog",
    "disk-full",
];
const CHANGE_TYPES: [&str; 4] = ["feature", "security-patch", "database-schema", "hotfix"];
const CATEGORIES: [&str; 6] = [
    "Security",
    "Performance",
    "Data and migrations",
    "Monitoring",
    "Documentation",
    "Compliance",
];
const VERBS: [&str; 10] = [
    "Verify",
    "Review",
    "Load test",
    "Document",
    "Rehearse",
    "Monitor",
    "Encrypt",
    "Index",
    "Back up",
    "Audit",
];
const NOUNS: [&str; 12] = [
    "session tokens",
    "the invoice API",
    "tenant isolation",
    "the search index",
    "audit triggers",
    "rate limits",
    "the payment queue",
    "backup restore",
    "dashboards",
    "alert thresholds",
    "the release notes",
    "the rollback script",
];
const SECTIONS: [(&str, &str, usize); 6] = [
    ("code-review", "Code review", 5),
    ("testing", "Testing", 6),
    ("database", "Database", 5),
    ("security", "Security", 6),
    ("infrastructure", "Infrastructure", 5),
    ("monitoring", "Monitoring", 5),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen_corpus N DIR");
        std::process::exit(2);
    };
    let root = PathBuf::from(dir);
    let content = root.join("content");
    let _ = std::fs::remove_dir_all(&content);
    for sub in ["releases", "checklists", "runbooks"] {
        std::fs::create_dir_all(content.join(sub)).unwrap();
    }
    write(&content.join("site.yaml"), &site());
    write(&content.join("people.yaml"), &people());
    write(
        &content.join("checklists/production-deployment.yaml"),
        &checklist(),
    );
    for name in RUNBOOKS {
        write(&content.join(format!("runbooks/{name}.md")), &runbook(name));
    }
    let mut rng = Rng(0x00C0_FFEE);
    for i in 0..n {
        let product = PRODUCTS[i % PRODUCTS.len()];
        let serial = i / PRODUCTS.len();
        let version = format!(
            "{}.{}.{}",
            1 + serial / 100,
            (serial / 10) % 10,
            serial % 10
        );
        let file = content.join(format!("releases/{}-{version}.yaml", slug(product)));
        write(&file, &release(&mut rng, product, &version, i));
    }
    println!("wrote {n} releases to {}", content.display());
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn slug(text: &str) -> String {
    text.to_lowercase().replace(' ', "-")
}

fn site() -> String {
    "title: Corpus Release Hub\norganisation: Corpus Corp\nbase_url: https://releases.corpus.example\ntimezone: Europe/Berlin\n\
     readiness: {go_threshold: 85}\napproval_matrix:\n  feature: [CTO, Product Manager, DevOps Lead]\n  security-patch: [CTO, Security Officer, DevOps Lead]\n  \
     database-schema: [DBA, Tech Lead, CTO, DevOps Lead]\n  hotfix: [CTO, Tech Lead]\nemail:\n  from: \"Corpus Releases <releases@corpus.example>\"\n"
        .to_string()
}

fn people() -> String {
    let mut out = String::from("people:\n");
    for (key, name, role) in PEOPLE {
        let _ = writeln!(
            out,
            "  {key}: {{name: {name}, email: {key}@corpus.example, role: {role}, phone: \"+49 30 555 {:04}\", chat: \"@{key}\"}}",
            key.len() * 37
        );
    }
    out.push_str("groups:\n");
    for (key, members) in GROUPS {
        let _ = writeln!(out, "  {key}: [{}]", members.join(", "));
    }
    out
}

fn checklist() -> String {
    let mut out = String::from("title: Production deployment checklist\nsections:\n");
    for (id, title, count) in SECTIONS {
        let _ = writeln!(out, "  - id: {id}\n    title: {title}\n    items:");
        for k in 0..count {
            let critical = if k == 0 { ", critical: true" } else { "" };
            let _ = writeln!(
                out,
                "      - {{id: item-{k}, check: \"{title} step {k}: {} {}\"{critical}, owner: {}}}",
                VERBS[k % 10],
                NOUNS[k % 12],
                OWNERS[k % 8]
            );
        }
    }
    out
}

fn runbook(name: &str) -> String {
    let title = name.replace('-', " ");
    format!(
        "---\ntitle: {title}\ntags: [operations, {}]\nseverity: high\nowner: devops\n---\n\
         ## Symptoms\n\n- Alerts fire for {title}.\n- Users report errors.\n\n\
         ## Immediate actions\n\n- [ ] Check the dashboards.\n- [ ] Page the on-call engineer.\n\n\
         ```bash\nkubectl get pods -n app\n```\n\n## Investigation\n\n| Check | Command |\n| --- | --- |\n| Logs | `kubectl logs` |\n| Load | `top` |\n\n\
         ## Resolution\n\nRestart the service, then see [investigation](#investigation).\n",
        name.split('-').next().unwrap_or("ops")
    )
}

fn release(rng: &mut Rng, product: &str, version: &str, i: usize) -> String {
    let day = 1 + (i * 7) % 27;
    let month = 1 + (i / 27) % 12;
    let year = 2026 + (i / 324) % 3;
    let state = match rng.below(10) {
        0 | 1 => "deployed",
        2 => "postponed",
        _ => "scheduled",
    };
    let change_type = rng.pick(&CHANGE_TYPES);
    let mut out = String::with_capacity(12_000);
    let _ = writeln!(
        out,
        "product: {product}\ntitle: \"{} {} release\"\nversion: {version}\nchange_type: {change_type}",
        rng.pick(&VERBS),
        rng.pick(&NOUNS)
    );
    let _ = writeln!(
        out,
        "target: {year}-{month:02}-{day:02} 09:00\ndecision_due: {year}-{month:02}-{:02} 17:00\nowner: ana",
        day.max(2) - 1
    );
    let _ = writeln!(
        out,
        "summary: |\n  This release of {product} improves **{}** and {}.\n  See [the runbook](database-connection-errors.md) if the database misbehaves.",
        rng.pick(&NOUNS),
        rng.pick(&NOUNS)
    );
    out.push_str("audience:\n  readiness: {to: [dana, sam], cc: [devops, qa]}\n  success: {to: [all-stakeholders]}\n  postponement: {to: [all-stakeholders]}\n");
    out.push_str("impact: {revenue: neutral, customer: low, visibility: internal}\nchanges:\n");
    for area in ["frontend", "backend", "database"] {
        let _ = writeln!(
            out,
            "  - {{area: {area}, summary: \"{} {}\", migration: {}}}",
            rng.pick(&VERBS),
            rng.pick(&NOUNS),
            area == "database"
        );
    }
    out.push_str("readiness:\n");
    let done_share = if state == "deployed" {
        100
    } else {
        55 + rng.below(45)
    };
    let categories = 3 + rng.below(3) as usize;
    for category in CATEGORIES.iter().take(categories) {
        let _ = writeln!(
            out,
            "  - category: {}\n    weight: {}\n    items:",
            category,
            1 + rng.below(3)
        );
        for k in 0..(5 + rng.below(8)) {
            let status = if rng.below(100) < done_share {
                "done"
            } else {
                rng.pick(&["in-progress", "pending", "blocked", "n/a"])
            };
            let critical = if k == 0 { ", critical: true" } else { "" };
            let due = if status != "done" && rng.chance(60) {
                format!(", due: {year}-{month:02}-{:02}", day.max(3) - 2)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "      - {{check: \"{} {} ({k})\", status: {status}{critical}, owner: {}{due}}}",
                rng.pick(&VERBS),
                rng.pick(&NOUNS),
                rng.pick(&OWNERS)
            );
        }
    }
    out.push_str("  - use: production-deployment\n    status:\n");
    for (id, _, count) in SECTIONS {
        for k in 0..count {
            let status = if rng.below(100) < done_share {
                "done"
            } else {
                rng.pick(&["in-progress", "pending"])
            };
            let _ = writeln!(out, "      {id}.item-{k}: {status}");
        }
    }
    out.push_str("risks:\n");
    for _ in 0..(2 + rng.below(3)) {
        let _ = writeln!(
            out,
            "  - {{title: \"{} may affect {}\", severity: {}, mitigation: \"Monitor and roll back\"}}",
            rng.pick(&NOUNS),
            rng.pick(&NOUNS),
            rng.pick(&["low", "medium", "high"])
        );
    }
    if state != "deployed" {
        out.push_str("blockers:\n");
        let _ = writeln!(
            out,
            "  - {{title: \"{} not ready\", status: open, owner: {}, eta: {year}-{month:02}-{:02}}}",
            rng.pick(&NOUNS),
            rng.pick(&OWNERS),
            day.max(2) - 1
        );
    }
    out.push_str("timeline:\n");
    for (at, activity) in [
        ("T-72h", "Code freeze"),
        ("T-24h", "Final backup"),
        ("T-6h", "Staging verification"),
        ("T-1h", "Deploy"),
        ("T+0", "Smoke tests"),
        ("T+1h", "Watch dashboards"),
        ("T+24h", "Review"),
    ] {
        let _ = writeln!(
            out,
            "  - {{at: {at}, activity: \"{activity}\", owner: {}}}",
            rng.pick(&OWNERS)
        );
    }
    out.push_str("rollback:\n  estimated_minutes: 15\n  triggers: [{when: \"error rate > 5%\", action: automatic rollback}]\n  steps:\n    - {within: 5m, action: Revert the image}\n    - {within: 10m, action: Restore the database}\n");
    out.push_str("approvals:\n");
    for (role, who) in [
        ("CTO", "dana"),
        ("DevOps Lead", "lee"),
        ("Product Manager", "sam"),
    ] {
        let status = if state == "deployed" || rng.chance(70) {
            "approved"
        } else {
            "pending"
        };
        let _ = writeln!(out, "  - {{role: {role}, who: {who}, status: {status}}}");
    }
    out.push_str(
        "escalation:\n  - {level: primary, who: omar}\n  - {level: secondary, who: lee}\n",
    );
    out.push_str("dashboards: [{title: Service overview, url: \"https://grafana.corpus.example/d/overview\"}]\n");
    let _ = writeln!(
        out,
        "runbooks: [{}, {}]",
        RUNBOOKS[i % 5],
        RUNBOOKS[(i + 2) % 5]
    );
    match state {
        "deployed" => {
            let _ = writeln!(
                out,
                "deployment: {{status: deployed, started: {year}-{month:02}-{day:02} 09:05, finished: {year}-{month:02}-{day:02} 09:40, downtime: none}}"
            );
            out.push_str("verification: {passed: 42, failed: 0, warnings: 1, duration_seconds: 60}\nmetrics: [{name: API p95, value: 180ms, target: \"< 200ms\"}]\n");
        }
        "postponed" => {
            out.push_str("deployment: {status: postponed}\n");
            let _ = writeln!(
                out,
                "postponement:\n  reasons: [{{issue: \"Migration failed on staging\", severity: critical, impact: \"Search unusable\"}}]\n  remediation: [{{action: Fix the migration, owner: dba-team, eta: {year}-{month:02}-{:02}}}]",
                day.max(2) - 1
            );
        }
        _ => {}
    }
    out
}
