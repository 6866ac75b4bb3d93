//! Command-line definitions (clap) and the commands they run.
//!
//! Arguments are parsed once, then resolved into a request (targets looked up, scopes validated, subjects
//! parsed) before any work; the generators are pure functions of that request.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::azure::formats::{self, AzureFormat};
use crate::azure::generate::{self, AzureRequest};
use crate::azure::operations::Operations;
use crate::azure::scope::{self, Environment, ScopeIds};
use crate::catalogue::{
    AksAuthz, Catalogue, Plane, Platform, Target, TargetOptions, CHECKED_AGAINST,
};
use crate::error::{Error, Result};
use crate::k8s::generate::{self as k8sgen, K8sRequest, Subject};
use crate::notes::Note;
use crate::output;

const ABOUT: &str =
    "Least-privilege Azure custom roles and Kubernetes RBAC for deployment pipelines";

const LONG_ABOUT: &str = "Least-privilege Azure custom roles and Kubernetes RBAC for deployment pipelines.

rolegen maps deployment targets (aks, acr, webapp, vm, and the Kubernetes deployer Role k8s) to the Azure
actions, data actions and Kubernetes rules they need, from an embedded, reviewed catalogue in which every
permission says why it is needed and where that is documented.";

const MAIN_EXAMPLES: &str = "Examples:
  rolegen azure --target aks --scope rg
  rolegen azure --target webapp --format bicep --output role.bicep
  rolegen k8s --namespace default --subject group:00000000-0000-0000-0000-000000000000
  rolegen catalog acr
  rolegen lint roles/
  rolegen explain 'Microsoft.Web/sites/slots/*/Read'

Exit codes: 0 ok, 1 findings, 2 usage or input error.";

#[derive(Debug, Parser)]
#[command(name = "rolegen", version, about = ABOUT, long_about = LONG_ABOUT, after_help = MAIN_EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate an Azure custom role for deployment targets.
    #[command(after_help = "Examples:
  rolegen azure --target aks --scope rg
  rolegen azure --target aks,acr --aks-authz kubernetes --subscription 11111111-2222-3333-4444-555555555555 --resource-group deploy-rg
  rolegen azure --target acr --scope subscription --format cli --output acr-reader.json
  rolegen azure --target webapp --exclude Microsoft.Web/sites/slots/slotsswap/Action --format terraform
  rolegen azure --target vm --scope subscription --environment AzureUSGovernment --format powershell")]
    Azure(AzureArgs),
    /// Generate a Kubernetes Role and RoleBinding for the deployer.
    #[command(after_help = "Examples:
  rolegen k8s --namespace default
  rolegen k8s --namespace shop --subject group:00000000-0000-0000-0000-000000000000 --namespace-reader
  rolegen k8s --namespace shop --subject serviceaccount:ci/deployer --read-only-quotas --format json
  rolegen k8s --cluster --name deployer --subject user:alice@example.com")]
    K8s(K8sArgs),
    /// Audit existing roles: do they grant what the targets need, and what more?
    #[command(after_help = "Examples:
  rolegen audit --target acr 'roles/**/*.json'
  rolegen audit --target aks --aks-authz kubernetes --builtin Owner
  rolegen audit --target webapp --format json roles/
  rolegen audit --target aks,acr --together roles/deployer.json roles/acr-reader.json
  rolegen audit --target k8s --namespace shop --format sarif k8s/ > rolegen.sarif
  az role definition list --custom-role-only | rolegen audit --target vm -

Exit codes: 0 every role covers the targets, 1 a role does not, 2 an input could not be read.")]
    Audit(AuditArgs),
    /// Check role files for what Azure or Kubernetes would reject, and for risky grants.
    #[command(after_help = "Examples:
  rolegen lint roles/
  rolegen lint --operations provider-operations/ 'roles/**/*.json'
  rolegen lint --deny warning k8s/rbac.yaml
  rolegen lint --format json roles/ > lint.json
  rolegen lint --format sarif roles/ > rolegen.sarif

Exit codes: 0 nothing at or above --deny, 1 findings, 2 an input could not be read.")]
    Lint(LintArgs),
    /// Explain an Azure operation or pattern (what it matches, who needs it, which built-in roles grant it),
    /// or which built-in roles cover a target.
    #[command(after_help = "Examples:
  rolegen explain Microsoft.ContainerRegistry/registries/pull/read
  rolegen explain --operations provider-operations/ 'Microsoft.Web/sites/slots/*/Read'
  rolegen explain --builtin-roles builtin-roles.json Microsoft.Authorization/roleAssignments/write
  rolegen explain --target aks --operations provider-operations/ --builtin-roles builtin-roles.json

Exit codes: 0 answered, 1 the pattern matches no operation in --operations, 2 usage or input error.")]
    Explain(ExplainArgs),
    /// Compare two roles of one platform by what they grant.
    #[command(after_help = "Examples:
  rolegen diff roles/deployer.json roles/deployer-prod.json
  rolegen diff --format json old/rbac.yaml new/rbac.yaml
  az role definition list --name Deployer | rolegen diff - roles/deployer.json

Exit codes: 0 equivalent, 1 different, 2 an input could not be read.")]
    Diff(DiffArgs),
    /// Show the permission catalogue: every permission with why and provenance.
    #[command(after_help = "Examples:
  rolegen catalog
  rolegen catalog webapp
  rolegen catalog aks --format json")]
    Catalog(CatalogArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:
  rolegen completions bash > /etc/bash_completion.d/rolegen
  rolegen completions zsh > \"${fpath[1]}/_rolegen\"")]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AksAuthzArg {
    /// The cluster uses Azure RBAC for Kubernetes authorization: the role carries the dataActions.
    Azure,
    /// The cluster uses Kubernetes RBAC: no dataActions; bind a Role from `rolegen k8s` instead.
    Kubernetes,
}

impl From<AksAuthzArg> for AksAuthz {
    fn from(a: AksAuthzArg) -> AksAuthz {
        match a {
            AksAuthzArg::Azure => AksAuthz::Azure,
            AksAuthzArg::Kubernetes => AksAuthz::Kubernetes,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvironmentArg {
    /// Azure public cloud ("Azure Global").
    #[value(name = "AzureCloud", alias = "azurecloud")]
    AzureCloud,
    /// Azure US Government.
    #[value(name = "AzureUSGovernment", alias = "azureusgovernment")]
    AzureUsGovernment,
}

#[derive(Debug, Args)]
pub struct AzureArgs {
    /// Deployment targets: aks, acr, webapp, vm (comma-separated, or repeat the flag).
    #[arg(short, long = "target", value_name = "TARGET", required = true)]
    pub targets: Vec<String>,
    /// How the AKS cluster authorizes Kubernetes requests.
    #[arg(long, value_enum, default_value = "azure")]
    pub aks_authz: AksAuthzArg,
    /// Assignable scope: subscription, rg, mg, or a full scope id (repeatable).
    #[arg(long = "scope", value_name = "SCOPE", default_value = "rg")]
    pub scopes: Vec<String>,
    /// Subscription id (GUID) for subscription and rg scopes.
    #[arg(long, value_name = "ID")]
    pub subscription: Option<String>,
    /// Resource group name for rg scope.
    #[arg(long, value_name = "NAME")]
    pub resource_group: Option<String>,
    /// Management group id for mg scope.
    #[arg(long, value_name = "ID")]
    pub management_group: Option<String>,
    /// Role name [default: "Deployer (<targets>)"].
    #[arg(long)]
    pub name: Option<String>,
    /// Role description [default: names the targets].
    #[arg(long)]
    pub description: Option<String>,
    /// Add a control-plane operation (checked for syntax, and for existence with --operations).
    #[arg(long, value_name = "OPERATION")]
    pub add: Vec<String>,
    /// Add a data-plane operation (a dataAction).
    #[arg(long, value_name = "OPERATION")]
    pub add_data: Vec<String>,
    /// Remove every permission this operation or pattern covers.
    #[arg(long, value_name = "OPERATION")]
    pub exclude: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "portal")]
    pub format: AzureFormat,
    /// Azure cloud the role is for.
    #[arg(long, value_enum, default_value = "AzureCloud", ignore_case = true)]
    pub environment: EnvironmentArg,
    /// Print every permission with why and provenance, and guidance in full, on stderr.
    #[arg(long)]
    pub explain: bool,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compare the generated role with this existing role file instead of printing it (exit 1 when they
    /// differ).
    #[arg(long, value_name = "FILE")]
    pub diff: Option<String>,
    /// An `az provider operation list` dump, or a directory of `az provider operation show` outputs, used to
    /// check added operations.
    #[arg(long, value_name = "FILE|DIR", env = "ROLEGEN_OPERATIONS")]
    pub operations: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum K8sFormat {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub struct K8sArgs {
    /// Namespace of the Role and RoleBinding (a DNS-1123 label).
    #[arg(short, long)]
    pub namespace: Option<String>,
    /// Who the binding grants: group:<id>, user:<name>, serviceaccount:<ns>/<name> (repeatable).
    #[arg(long = "subject", value_name = "SUBJECT")]
    pub subjects: Vec<String>,
    /// Name of the Role; the binding is <name>-binding.
    #[arg(long, default_value = k8sgen::DEFAULT_NAME)]
    pub name: String,
    /// Emit a ClusterRole and ClusterRoleBinding instead.
    #[arg(long)]
    pub cluster: bool,
    /// Also emit a ClusterRole and ClusterRoleBinding to get, list and watch namespaces.
    #[arg(long)]
    pub namespace_reader: bool,
    /// Grant only get, list and watch on resourcequotas and limitranges.
    #[arg(long)]
    pub read_only_quotas: bool,
    /// Output format (json is a `kind: List`).
    #[arg(short, long, value_enum, default_value = "yaml")]
    pub format: K8sFormat,
    /// Print every rule with why and provenance, and guidance in full, on stderr.
    #[arg(long)]
    pub explain: bool,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Compare the generated Role and binding with this existing file instead of printing them (exit 1 when
    /// they differ).
    #[arg(long, value_name = "FILE")]
    pub diff: Option<String>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Role files, glob patterns or directories (`-` reads stdin).
    #[arg(value_name = "FILE|GLOB|DIR")]
    pub inputs: Vec<String>,
    /// Targets the roles must cover (comma-separated, or repeat the flag).
    #[arg(short, long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
    /// How the AKS cluster authorizes Kubernetes requests.
    #[arg(long, value_enum, default_value = "azure")]
    pub aks_authz: AksAuthzArg,
    /// Grant only get, list and watch on resourcequotas and limitranges (the k8s target's option).
    #[arg(long)]
    pub read_only_quotas: bool,
    /// Judge Kubernetes roles in this namespace: a ClusterRole counts as bound here by a RoleBinding, a Role
    /// without metadata.namespace takes it.
    #[arg(short, long)]
    pub namespace: Option<String>,
    /// Treat all roles given as assigned to one principal (their union).
    #[arg(long)]
    pub together: bool,
    /// Which reader to use; auto decides per file.
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: crate::roles::InputFormat,
    /// Also audit a built-in role, by name or GUID (repeatable).
    #[arg(long, value_name = "NAME|GUID")]
    pub builtin: Vec<String>,
    /// An `az role definition list` dump to look built-in roles up in (default: a small embedded set).
    #[arg(long, value_name = "FILE")]
    pub builtin_roles: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    Error,
    Warning,
    Info,
}

impl From<DenyLevel> for crate::finding::Severity {
    fn from(d: DenyLevel) -> Self {
        match d {
            DenyLevel::Error => crate::finding::Severity::Error,
            DenyLevel::Warning => crate::finding::Severity::Warning,
            DenyLevel::Info => crate::finding::Severity::Info,
        }
    }
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Role files, glob patterns or directories (`-` reads stdin).
    #[arg(value_name = "FILE|GLOB|DIR", required = true)]
    pub inputs: Vec<String>,
    /// An `az provider operation list` dump, or a directory of `az provider operation show` outputs: checks
    /// that every operation exists and sits in the right list.
    #[arg(long, value_name = "FILE|DIR", env = "ROLEGEN_OPERATIONS")]
    pub operations: Option<PathBuf>,
    /// Exit 1 when a finding of this severity or higher is reported.
    #[arg(long, value_enum, default_value = "error")]
    pub deny: DenyLevel,
    /// Which reader to use; auto decides per file.
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: crate::roles::InputFormat,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// An Azure operation, or a pattern with one `*` (e.g. `Microsoft.Web/sites/slots/*/Read`).
    #[arg(
        value_name = "OPERATION|PATTERN",
        required_unless_present = "targets",
        conflicts_with = "targets"
    )]
    pub operation: Option<String>,
    /// Instead: the built-in roles that cover these Azure targets (comma-separated, or repeat the flag).
    #[arg(short, long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
    /// How the AKS cluster authorizes Kubernetes requests (with --target aks).
    #[arg(long, value_enum, default_value = "azure")]
    pub aks_authz: AksAuthzArg,
    /// An `az provider operation list` dump, or a directory of `az provider operation show` outputs: lists the
    /// operations a pattern matches and ranks roles by the operations they grant.
    #[arg(long, value_name = "FILE|DIR", env = "ROLEGEN_OPERATIONS")]
    pub operations: Option<PathBuf>,
    /// An `az role definition list` dump of the built-in roles (default: a small embedded set).
    #[arg(long, value_name = "FILE")]
    pub builtin_roles: Option<PathBuf>,
    /// How many candidate roles (or pairs) to show with --target.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub top: usize,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: TableOrJson,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first role file (`-` reads stdin).
    pub a: String,
    /// The second role file.
    pub b: String,
    /// Which role to compare when a file holds several (by name).
    #[arg(long)]
    pub role: Option<String>,
    /// Which reader to use; auto decides per file.
    #[arg(long, value_enum, default_value = "auto")]
    pub input_format: crate::roles::InputFormat,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: TableOrJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableOrJson {
    Table,
    Json,
}

/// Output of audit and lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A summary table, then each role's details.
    Table,
    /// The audit result shape (README), written as results are known.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
}

#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Show one target only.
    pub target: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub format: TableOrJson,
}

/// Runs a parsed command; returns the exit code.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    match cli.command {
        Command::Azure(a) => azure(a, stdout, stderr),
        Command::K8s(a) => k8s(a, stdout, stderr),
        Command::Catalog(a) => catalog(a, stdout),
        Command::Audit(a) => crate::commands::audit(a, stdout, stderr),
        Command::Diff(a) => crate::commands::diff(a, stdout),
        Command::Lint(a) => crate::commands::lint(a, stdout, stderr),
        Command::Explain(a) => crate::commands::explain(a, stdout),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "rolegen", &mut buf);
            output::write_stdout(stdout, &buf)?;
            Ok(crate::exit::OK)
        }
    }
}

fn write_notes(stderr: &mut dyn Write, notes: &[Note], explain: bool) {
    let mut s = String::new();
    for n in notes {
        s.push_str(&n.render(explain));
    }
    // Diagnostics are best effort: a closed stderr must not turn success into failure.
    let _ = stderr.write_all(s.as_bytes());
}

pub(crate) fn azure_targets<'c>(
    catalogue: &'c Catalogue,
    names: &[String],
) -> Result<Vec<&'c Target>> {
    let targets = catalogue.resolve(names)?;
    for t in &targets {
        if t.platform != Platform::Azure {
            return Err(Error::usage(format!(
                "`{}` is a Kubernetes target; generate it with `rolegen k8s --namespace <ns>`; Azure targets: {}",
                t.target,
                catalogue
                    .targets
                    .iter()
                    .filter(|t| t.platform == Platform::Azure)
                    .map(|t| t.target.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(targets)
}

fn azure(a: AzureArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    let catalogue = Catalogue::embedded()?;
    let targets = azure_targets(catalogue, &a.targets)?;
    let ids = ScopeIds {
        subscription: a.subscription.clone(),
        resource_group: a.resource_group.clone(),
        management_group: a.management_group.clone(),
    };
    ids.validate()?;
    let scopes = a
        .scopes
        .iter()
        .map(|s| scope::resolve(s, &ids))
        .collect::<Result<Vec<_>>>()?;
    let env = match a.environment {
        EnvironmentArg::AzureCloud => Environment::AzureCloud,
        EnvironmentArg::AzureUsGovernment => Environment::AzureUsGovernment,
    };
    let options = TargetOptions {
        aks_authz: a.aks_authz.into(),
        read_only_quotas: false,
    };
    let operations = match &a.operations {
        Some(p) => Some(Operations::load(p)?),
        None => None,
    };
    let mut add: Vec<(String, Plane)> = a.add.iter().map(|o| (o.clone(), Plane::Control)).collect();
    add.extend(a.add_data.iter().map(|o| (o.clone(), Plane::Data)));
    let request = AzureRequest {
        targets,
        options,
        scopes,
        name: a.name.clone(),
        description: a.description.clone(),
        add,
        exclude: a.exclude.clone(),
    };
    let generated = generate::generate(&request, operations.as_ref())?;
    let text = formats::render(&generated.role, a.format, env);
    let mut code = crate::exit::OK;
    match &a.diff {
        None => output::emit(&text, a.output.as_deref(), stdout)?,
        Some(existing) => {
            if let Some(p) = &a.output {
                output::write_atomic(p, text.as_bytes())?;
            }
            let portal = formats::render(&generated.role, AzureFormat::Portal, env);
            let mine = crate::roles::read("generated", &portal, crate::roles::InputFormat::Azure)?;
            code = diff_against(mine, existing, stdout)?;
        }
    }

    let mut notes = generated.notes;
    if env == Environment::AzureUsGovernment {
        notes.push(Note::info(format!(
            "the catalogue was checked against the {CHECKED_AGAINST}; confirm the operations exist in Azure US Government"
        )));
    }
    let file = a
        .output
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| format!("role.{}", a.format.extension()));
    notes.push(Note::info(format!(
        "apply: {}",
        formats::apply_hint(&generated.role, a.format, env, &file)
    )));
    if a.explain {
        let _ = stderr.write_all(explain_azure(&generated.role).as_bytes());
    }
    write_notes(stderr, &notes, a.explain);
    Ok(code)
}

/// `--diff FILE`: the generated role (A) against the existing file (B), as a table.
fn diff_against(mine: crate::roles::Loaded, existing: &str, stdout: &mut dyn Write) -> Result<u8> {
    let (fb, lb) = crate::commands::load_operand(existing, crate::roles::InputFormat::Auto)?;
    let d = crate::commands::diff_loaded("generated", mine, &fb, lb, None)?;
    output::write_stdout(
        stdout,
        crate::commands::render_diff(&d, TableOrJson::Table).as_bytes(),
    )?;
    Ok(d.exit_code())
}

fn explain_azure(role: &generate::GeneratedRole) -> String {
    let mut s = String::from("permissions:\n");
    for p in &role.permissions {
        let from = if p.targets.is_empty() {
            "--add".to_string()
        } else {
            p.targets.join(", ")
        };
        s.push_str(&format!(
            "  {} [{}; {}]\n    why: {}\n    source: {}\n",
            p.operation,
            p.plane.as_str(),
            from,
            p.why,
            p.provenance
        ));
    }
    s
}

fn k8s(a: K8sArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    let catalogue = Catalogue::embedded()?;
    let target = catalogue
        .targets
        .iter()
        .find(|t| t.platform == Platform::Kubernetes)
        .ok_or_else(|| Error::input("the embedded catalogue has no Kubernetes target"))?;
    let default_ns = if a.cluster {
        None
    } else {
        a.namespace.as_deref()
    };
    let subjects = a
        .subjects
        .iter()
        .map(|s| Subject::parse(s, default_ns.or(a.namespace.as_deref())))
        .collect::<Result<Vec<_>>>()?;
    let request = K8sRequest {
        target,
        options: TargetOptions {
            read_only_quotas: a.read_only_quotas,
            ..TargetOptions::default()
        },
        namespace: a.namespace.clone(),
        name: a.name.clone(),
        cluster: a.cluster,
        subjects,
        namespace_reader: a.namespace_reader,
    };
    let generated = k8sgen::generate(&request)?;
    let text = match a.format {
        K8sFormat::Yaml => crate::yaml::to_yaml_stream(&generated.documents),
        K8sFormat::Json => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": generated.documents});
            crate::report::to_json(&list)
        }
    };
    let mut code = crate::exit::OK;
    match &a.diff {
        None => output::emit(&text, a.output.as_deref(), stdout)?,
        Some(existing) => {
            if let Some(p) = &a.output {
                output::write_atomic(p, text.as_bytes())?;
            }
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": generated.documents});
            let mine = crate::roles::read(
                "generated",
                &list.to_string(),
                crate::roles::InputFormat::Kubernetes,
            )?;
            code = diff_against(mine, existing, stdout)?;
        }
    }
    let mut notes = generated.notes;
    let file = a
        .output
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "rbac.yaml".into());
    notes.push(Note::info(format!("apply: kubectl apply -f {file}")));
    if a.explain {
        let mut s = String::from("rules:\n");
        for r in &target.rules {
            let group = if r.api_group.is_empty() {
                "\"\""
            } else {
                &r.api_group
            };
            s.push_str(&format!(
                "  {group} {}: {}\n    why: {}\n    source: {}\n",
                r.resource,
                r.verbs_for(&request.options).join(", "),
                r.why,
                r.provenance
            ));
        }
        let _ = stderr.write_all(s.as_bytes());
    }
    write_notes(stderr, &notes, a.explain);
    Ok(code)
}

fn catalog(a: CatalogArgs, stdout: &mut dyn Write) -> Result<u8> {
    let catalogue = Catalogue::embedded()?;
    let targets: Vec<&Target> = match &a.target {
        Some(t) => catalogue.resolve(std::slice::from_ref(t))?,
        None => catalogue.targets.iter().collect(),
    };
    let text = match a.format {
        TableOrJson::Table => crate::report::catalog_table(&targets),
        TableOrJson::Json => crate::report::catalog_json(&targets),
    };
    output::write_stdout(stdout, text.as_bytes())?;
    Ok(crate::exit::OK)
}
