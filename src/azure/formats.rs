//! Renders a generated role in the shapes Azure's tools accept.
//!
//! * `portal`: the REST/portal body (`id` + `properties`), shaped like the seed's JSON
//!   (https://learn.microsoft.com/rest/api/authorization/role-definitions/create-or-update).
//! * `cli`: what `az role definition create --role-definition` reads: a flat object with `Name`, `IsCustom`,
//!   `Description`, `Actions`, `NotActions`, `DataActions`, `NotDataActions`, `AssignableScopes`; the CLI ignores a
//!   `properties` wrapper (Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/custom.py).
//! * `powershell`: `New-AzRoleDefinition -InputFile` for Az.Resources 10 and later (`Permissions[]`).
//! * `arm`: a deployable template with one `Microsoft.Authorization/roleDefinitions` resource.
//! * `bicep`: the same resource in Bicep.
//! * `terraform`: an `azurerm_role_definition` resource
//!   (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/role_definition).
//!
//! Ids the user did not give are clearly marked placeholders in portal, cli and powershell; arm, bicep and
//! terraform name the current subscription / resource group their own way, or take a parameter.

use serde_json::{json, Value};

use super::generate::GeneratedRole;
use super::scope::{Environment, Part, Scope};
use crate::catalogue::ScopeLevel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AzureFormat {
    Portal,
    Cli,
    Powershell,
    Arm,
    Bicep,
    Terraform,
}

impl AzureFormat {
    pub fn all() -> [AzureFormat; 6] {
        [
            AzureFormat::Portal,
            AzureFormat::Cli,
            AzureFormat::Powershell,
            AzureFormat::Arm,
            AzureFormat::Bicep,
            AzureFormat::Terraform,
        ]
    }

    pub fn name(self) -> &'static str {
        match self {
            AzureFormat::Portal => "portal",
            AzureFormat::Cli => "cli",
            AzureFormat::Powershell => "powershell",
            AzureFormat::Arm => "arm",
            AzureFormat::Bicep => "bicep",
            AzureFormat::Terraform => "terraform",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            AzureFormat::Bicep => "bicep",
            AzureFormat::Terraform => "tf",
            _ => "json",
        }
    }
}

/// The ARM REST API version rolegen targets (stable, supports data actions).
pub const API_VERSION: &str = "2022-04-01";

pub fn render(role: &GeneratedRole, format: AzureFormat, env: Environment) -> String {
    match format {
        AzureFormat::Portal => crate::report::to_json(&portal(role)),
        AzureFormat::Cli => crate::report::to_json(&cli(role)),
        AzureFormat::Powershell => crate::report::to_json(&powershell(role)),
        AzureFormat::Arm => crate::report::to_json(&arm(role)),
        AzureFormat::Bicep => bicep(role),
        AzureFormat::Terraform => terraform(role, env),
    }
}

fn placeholder_scopes(role: &GeneratedRole) -> Vec<String> {
    role.scopes.iter().map(Scope::placeholder_string).collect()
}

/// The resource id of the role definition, under the subscription (or management group) of the first scope.
pub fn definition_id(role: &GeneratedRole) -> String {
    let first = &role.scopes[0];
    let base = match first.level {
        ScopeLevel::ManagementGroup => first.placeholder_string(),
        _ => match first.subscription_part() {
            Some(Part::Lit(s)) => format!("/subscriptions/{s}"),
            Some(Part::SubscriptionId) => "/subscriptions/<subscription-id>".to_string(),
            _ => {
                // A full scope id: keep its `/subscriptions/{id}` prefix.
                let s = first.placeholder_string();
                let mut segs = s.trim_start_matches('/').splitn(3, '/');
                match (segs.next(), segs.next()) {
                    (Some(a), Some(b)) => format!("/{a}/{b}"),
                    _ => s,
                }
            }
        },
    };
    format!(
        "{base}/providers/Microsoft.Authorization/roleDefinitions/{}",
        role.guid
    )
}

fn portal(role: &GeneratedRole) -> Value {
    json!({
        "id": definition_id(role),
        "properties": {
            "roleName": role.name,
            "description": role.description,
            "assignableScopes": placeholder_scopes(role),
            "permissions": [{
                "actions": role.actions(),
                "notActions": [],
                "dataActions": role.data_actions(),
                "notDataActions": []
            }]
        }
    })
}

fn cli(role: &GeneratedRole) -> Value {
    json!({
        "Name": role.name,
        "IsCustom": true,
        "Description": role.description,
        "Actions": role.actions(),
        "NotActions": [],
        "DataActions": role.data_actions(),
        "NotDataActions": [],
        "AssignableScopes": placeholder_scopes(role)
    })
}

fn powershell(role: &GeneratedRole) -> Value {
    json!({
        "Name": role.name,
        "IsCustom": true,
        "Description": role.description,
        "Permissions": [{
            "Actions": role.actions(),
            "NotActions": [],
            "DataActions": role.data_actions(),
            "NotDataActions": []
        }],
        "AssignableScopes": placeholder_scopes(role)
    })
}

/// Where an ARM or Bicep deployment of the role runs: the level of the first assignable scope.
fn deployment_level(role: &GeneratedRole) -> ScopeLevel {
    match role.scopes[0].level {
        ScopeLevel::Resource => ScopeLevel::ResourceGroup,
        l => l,
    }
}

/// Expression language of the template formats.
enum Template {
    Arm,
    Bicep,
}

/// A missing id, as a template expression: the deployment's own scope where it is available there, else a
/// parameter (collected in `params`).
fn template_part(
    part: &Part,
    level: ScopeLevel,
    lang: &Template,
    params: &mut Vec<&'static str>,
) -> String {
    let (func, param) = match part {
        Part::SubscriptionId => (
            matches!(level, ScopeLevel::ResourceGroup | ScopeLevel::Subscription)
                .then_some("subscription().subscriptionId"),
            "subscriptionId",
        ),
        Part::ResourceGroup => (
            (level == ScopeLevel::ResourceGroup).then_some("resourceGroup().name"),
            "resourceGroupName",
        ),
        Part::ManagementGroup => (
            (level == ScopeLevel::ManagementGroup).then_some("managementGroup().name"),
            "managementGroupId",
        ),
        Part::Lit(s) => return s.clone(),
    };
    match func {
        Some(f) => f.to_string(),
        None => {
            if !params.contains(&param) {
                params.push(param);
            }
            match lang {
                Template::Arm => format!("parameters('{param}')"),
                Template::Bicep => param.to_string(),
            }
        }
    }
}

/// The deployment's own scope as a function, when `scope` is exactly that scope with no id given.
fn current_scope_function(scope: &Scope, level: ScopeLevel) -> Option<&'static str> {
    use ScopeLevel::*;
    match (scope.level, scope.parts.as_slice()) {
        (Subscription, [_, Part::SubscriptionId])
            if matches!(level, Subscription | ResourceGroup) =>
        {
            Some("subscription().id")
        }
        (ResourceGroup, [_, Part::SubscriptionId, _, Part::ResourceGroup])
            if level == ResourceGroup =>
        {
            Some("resourceGroup().id")
        }
        (ManagementGroup, [_, Part::ManagementGroup]) if level == ManagementGroup => {
            Some("managementGroup().id")
        }
        _ => None,
    }
}

/// A scope as a template value: a literal string when every id is given, the deployment's own scope
/// (`subscription().id`, …) when it is exactly that, otherwise a concatenation.
fn template_scope(
    scope: &Scope,
    level: ScopeLevel,
    lang: &Template,
    params: &mut Vec<&'static str>,
) -> String {
    if let Some(f) = current_scope_function(scope, level) {
        return match lang {
            Template::Arm => format!("[{f}]"),
            Template::Bicep => f.to_string(),
        };
    }
    if scope.missing().next().is_none() {
        let s = scope.placeholder_string();
        return match lang {
            Template::Arm => arm_literal(&s),
            Template::Bicep => bicep_string(&s),
        };
    }
    match lang {
        Template::Arm => {
            let args: Vec<String> = scope
                .parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => format!("'{}'", s.replace('\'', "''")),
                    other => template_part(other, level, lang, params),
                })
                .collect();
            format!("[concat({})]", args.join(", "))
        }
        Template::Bicep => {
            let mut s = String::from("'");
            for p in &scope.parts {
                match p {
                    Part::Lit(l) => s.push_str(&bicep_escape(l)),
                    other => {
                        s.push_str("${");
                        s.push_str(&template_part(other, level, lang, params));
                        s.push('}');
                    }
                }
            }
            s.push('\'');
            s
        }
    }
}

/// A literal string in an ARM template: a leading `[` would make it an expression, so it is doubled.
fn arm_literal(s: &str) -> String {
    if s.starts_with('[') {
        format!("[{s}")
    } else {
        s.to_string()
    }
}

fn arm(role: &GeneratedRole) -> Value {
    let level = deployment_level(role);
    let mut params = Vec::new();
    let scopes: Vec<String> = role
        .scopes
        .iter()
        .map(|s| template_scope(s, level, &Template::Arm, &mut params))
        .collect();
    let schema = match level {
        ScopeLevel::ManagementGroup => {
            "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#"
        }
        ScopeLevel::Subscription => {
            "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
        }
        _ => "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    };
    let mut parameters = serde_json::Map::new();
    for p in &params {
        parameters.insert(
            p.to_string(),
            json!({"type": "string", "metadata": {"description": param_description(p)}}),
        );
    }
    json!({
        "$schema": schema,
        "contentVersion": "1.0.0.0",
        "parameters": parameters,
        "resources": [{
            "type": "Microsoft.Authorization/roleDefinitions",
            "apiVersion": API_VERSION,
            "name": role.guid,
            "properties": {
                "roleName": arm_literal(&role.name),
                "description": arm_literal(&role.description),
                "type": "CustomRole",
                "permissions": [{
                    "actions": role.actions().iter().map(|a| arm_literal(a)).collect::<Vec<_>>(),
                    "notActions": [],
                    "dataActions": role.data_actions().iter().map(|a| arm_literal(a)).collect::<Vec<_>>(),
                    "notDataActions": []
                }],
                "assignableScopes": scopes
            }
        }],
        "outputs": {
            "roleDefinitionId": {
                "type": "string",
                "value": format!("[{}]", role_id_expression(level, &role.guid))
            }
        }
    })
}

fn role_id_expression(level: ScopeLevel, guid: &str) -> String {
    match level {
        ScopeLevel::ManagementGroup => format!(
            "extensionResourceId(managementGroup().id, 'Microsoft.Authorization/roleDefinitions', '{guid}')"
        ),
        ScopeLevel::Subscription => {
            format!("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{guid}')")
        }
        _ => format!("resourceId('Microsoft.Authorization/roleDefinitions', '{guid}')"),
    }
}

fn param_description(p: &str) -> &'static str {
    match p {
        "subscriptionId" => "Subscription id (GUID) of an assignable scope",
        "resourceGroupName" => "Resource group name of an assignable scope",
        _ => "Management group id of an assignable scope",
    }
}

fn bicep_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\'', "\\'")
        .replace("${", "\\${")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t")
}

fn bicep_string(s: &str) -> String {
    format!("'{}'", bicep_escape(s))
}

fn bicep_list(out: &mut String, key: &str, items: &[String], indent: &str) {
    if items.is_empty() {
        out.push_str(&format!("{indent}{key}: []\n"));
        return;
    }
    out.push_str(&format!("{indent}{key}: [\n"));
    for i in items {
        out.push_str(&format!("{indent}  {i}\n"));
    }
    out.push_str(&format!("{indent}]\n"));
}

fn bicep(role: &GeneratedRole) -> String {
    let level = deployment_level(role);
    let mut params = Vec::new();
    let scopes: Vec<String> = role
        .scopes
        .iter()
        .map(|s| template_scope(s, level, &Template::Bicep, &mut params))
        .collect();
    let target_scope = match level {
        ScopeLevel::ManagementGroup => "managementGroup",
        ScopeLevel::Subscription => "subscription",
        _ => "resourceGroup",
    };
    let mut out = String::new();
    out.push_str(&format!("targetScope = '{target_scope}'\n\n"));
    for p in &params {
        out.push_str(&format!(
            "@description('{}')\nparam {p} string\n\n",
            param_description(p)
        ));
    }
    out.push_str(&format!(
        "resource roleDefinition 'Microsoft.Authorization/roleDefinitions@{API_VERSION}' = {{\n"
    ));
    out.push_str(&format!("  name: {}\n", bicep_string(&role.guid)));
    out.push_str("  properties: {\n");
    out.push_str(&format!("    roleName: {}\n", bicep_string(&role.name)));
    out.push_str(&format!(
        "    description: {}\n",
        bicep_string(&role.description)
    ));
    out.push_str("    type: 'CustomRole'\n");
    out.push_str("    permissions: [\n      {\n");
    let q = |v: Vec<&str>| v.into_iter().map(bicep_string).collect::<Vec<_>>();
    bicep_list(&mut out, "actions", &q(role.actions()), "        ");
    bicep_list(&mut out, "notActions", &[], "        ");
    bicep_list(&mut out, "dataActions", &q(role.data_actions()), "        ");
    bicep_list(&mut out, "notDataActions", &[], "        ");
    out.push_str("      }\n    ]\n");
    bicep_list(&mut out, "assignableScopes", &scopes, "    ");
    out.push_str("  }\n}\n\n");
    out.push_str("output roleDefinitionId string = roleDefinition.id\n");
    out
}

/// A string literal in HCL: `"`, `\` escaped, `${` and `%{` doubled so they stay literal.
fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out.replace("${", "$${").replace("%{", "%%{")
}

fn hcl_list(out: &mut String, key: &str, items: &[&str], indent: &str) {
    if items.is_empty() {
        out.push_str(&format!("{indent}{key} = []\n"));
        return;
    }
    out.push_str(&format!("{indent}{key} = [\n"));
    for i in items {
        out.push_str(&format!("{indent}  {},\n", hcl_string(i)));
    }
    out.push_str(&format!("{indent}]\n"));
}

fn terraform_scope(scope: &Scope, uses: &mut Vec<&'static str>) -> String {
    let mut note = |u: &'static str| {
        if !uses.contains(&u) {
            uses.push(u);
        }
    };
    if scope.level == ScopeLevel::Subscription && scope.parts.get(1) == Some(&Part::SubscriptionId)
    {
        note("subscription");
        return "data.azurerm_subscription.current.id".into();
    }
    if scope.missing().next().is_none() {
        return hcl_string(&scope.placeholder_string());
    }
    let mut s = String::from("\"");
    for p in &scope.parts {
        match p {
            Part::Lit(l) => {
                let q = hcl_string(l);
                s.push_str(&q[1..q.len() - 1]);
            }
            Part::SubscriptionId => {
                note("subscription");
                s.push_str("${data.azurerm_subscription.current.subscription_id}");
            }
            Part::ResourceGroup => {
                note("resource_group_name");
                s.push_str("${var.resource_group_name}");
            }
            Part::ManagementGroup => {
                note("management_group_id");
                s.push_str("${var.management_group_id}");
            }
        }
    }
    s.push('"');
    s
}

fn terraform(role: &GeneratedRole, env: Environment) -> String {
    let mut uses = Vec::new();
    let scopes: Vec<String> = role
        .scopes
        .iter()
        .map(|s| terraform_scope(s, &mut uses))
        .collect();
    let mut out = String::new();
    out.push_str("terraform {\n  required_providers {\n    azurerm = {\n      source  = \"hashicorp/azurerm\"\n      version = \">= 3.0\"\n    }\n  }\n}\n\n");
    out.push_str(&format!(
        "provider \"azurerm\" {{\n  features {{}}\n  environment = \"{}\"\n}}\n\n",
        env.terraform_name()
    ));
    if uses.contains(&"resource_group_name") {
        out.push_str("variable \"resource_group_name\" {\n  type        = string\n  description = \"Resource group name of an assignable scope\"\n}\n\n");
    }
    if uses.contains(&"management_group_id") {
        out.push_str("variable \"management_group_id\" {\n  type        = string\n  description = \"Management group id of an assignable scope\"\n}\n\n");
    }
    if uses.contains(&"subscription") {
        out.push_str("data \"azurerm_subscription\" \"current\" {}\n\n");
    }
    out.push_str("resource \"azurerm_role_definition\" \"deployer\" {\n");
    out.push_str(&format!(
        "  role_definition_id = {}\n",
        hcl_string(&role.guid)
    ));
    out.push_str(&format!(
        "  name               = {}\n",
        hcl_string(&role.name)
    ));
    out.push_str(&format!("  scope              = {}\n", scopes[0]));
    out.push_str(&format!(
        "  description        = {}\n\n",
        hcl_string(&role.description)
    ));
    out.push_str("  permissions {\n");
    hcl_list(&mut out, "actions", &role.actions(), "    ");
    hcl_list(&mut out, "not_actions", &[], "    ");
    hcl_list(&mut out, "data_actions", &role.data_actions(), "    ");
    hcl_list(&mut out, "not_data_actions", &[], "    ");
    out.push_str("  }\n\n");
    out.push_str("  assignable_scopes = [\n");
    for s in &scopes {
        out.push_str(&format!("    {s},\n"));
    }
    out.push_str("  ]\n}\n\n");
    out.push_str("output \"role_definition_resource_id\" {\n  value = azurerm_role_definition.deployer.role_definition_resource_id\n}\n");
    out
}

/// How to apply the output in one step (printed on stderr).
pub fn apply_hint(
    role: &GeneratedRole,
    format: AzureFormat,
    env: Environment,
    file: &str,
) -> String {
    let login = match env {
        Environment::AzureCloud => String::new(),
        Environment::AzureUsGovernment => "az cloud set --name AzureUSGovernment && ".into(),
    };
    match format {
        AzureFormat::Portal => format!(
            "{login}az rest --method put --url \"{}{}?api-version={API_VERSION}\" --body @{file}",
            env.resource_manager(),
            definition_id(role)
        ),
        AzureFormat::Cli => format!("{login}az role definition create --role-definition @{file}"),
        AzureFormat::Powershell => {
            let connect = match env {
                Environment::AzureCloud => String::new(),
                Environment::AzureUsGovernment => {
                    "Connect-AzAccount -Environment AzureUSGovernment; ".into()
                }
            };
            format!("{connect}New-AzRoleDefinition -InputFile {file}")
        }
        AzureFormat::Arm | AzureFormat::Bicep => {
            let cmd = match deployment_level(role) {
                ScopeLevel::ManagementGroup => {
                    "az deployment mg create --management-group-id <management-group-id> --location <location>"
                }
                ScopeLevel::Subscription => "az deployment sub create --location <location>",
                _ => "az deployment group create --resource-group <resource-group>",
            };
            format!("{login}{cmd} --template-file {file}")
        }
        AzureFormat::Terraform => "terraform init && terraform apply".into(),
    }
}
