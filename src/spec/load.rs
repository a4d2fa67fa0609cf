//! Reading `spec/` from disk into a [`Spec`].
//!
//! Layout of one dialect directory:
//!
//! ```text
//! spec/<dialect>/dialect.toml            header, common parameters, code tables
//! spec/<dialect>/actions/<Name>.toml     one action each
//! spec/<dialect>/structures/<Name>.toml  one data structure each
//! spec/<dialect>/state_machines/<r>.toml one resource's lifecycle each
//! spec/<dialect>/errors.toml, errors/*.toml   dialect-level error table
//! spec/<dialect>/errata.toml, errata/*.toml   contradictions and the readings chosen
//! spec/<dialect>/limits.toml, limits/*.toml   limits and quotas
//! spec/<dialect>/regions.toml               the documented regions
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;

use super::schema::*;

/// One dialect, fully loaded.
#[derive(Debug, Clone)]
pub struct Dialect {
    pub header: DialectFile,
    pub actions: BTreeMap<String, Action>,
    pub structures: BTreeMap<String, Structure>,
    pub state_machines: BTreeMap<String, StateMachine>,
    pub errors: Vec<ErrorCode>,
    pub errata: Vec<Erratum>,
    pub limits: Vec<Limit>,
    /// The documented regions (`regions.toml`; empty when the dialect has none).
    pub regions: RegionCatalogue,
    /// The directory it was loaded from.
    pub dir: PathBuf,
}

impl Dialect {
    pub fn id(&self) -> &str {
        &self.header.id
    }

    /// An action by its name or by one of its documented aliases (misspellings).
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.get(name).or_else(|| {
            self.actions
                .values()
                .find(|a| a.aliases.iter().any(|alias| alias == name))
        })
    }

    /// Every error code the dialect documents: its table plus each action's own.
    pub fn all_errors(&self) -> impl Iterator<Item = &ErrorCode> {
        self.errors
            .iter()
            .chain(self.actions.values().flat_map(|a| a.errors.iter()))
    }

    /// The documented rows an answered `code` stands for: those naming it exactly, else the
    /// templates it fills (`MissingLoadBalancerId` for `Missing%s`).
    pub fn errors_for<'a>(&'a self, code: &'a str) -> Vec<&'a ErrorCode> {
        let exact: Vec<_> = self.all_errors().filter(|e| e.code == code).collect();
        if !exact.is_empty() {
            return exact;
        }
        self.all_errors()
            .filter(|e| e.is_template() && e.matches(code))
            .collect()
    }
}

/// The whole spec: every dialect found under the spec directory, ordered by id.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub dialects: Vec<Dialect>,
}

impl Spec {
    pub fn dialect(&self, id: &str) -> Option<&Dialect> {
        self.dialects.iter().find(|d| d.id() == id)
    }
}

/// The spec directory: `LBCONFORM_SPEC_DIR`, else the `spec/` this crate was built from.
pub fn default_spec_dir() -> PathBuf {
    std::env::var_os("LBCONFORM_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("spec"))
}

/// The seed documents: `LBCONFORM_SEEDS_DIR`, else `../shared/seeds` beside the crate.
pub fn default_seeds_dir() -> PathBuf {
    std::env::var_os("LBCONFORM_SEEDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds"))
}

/// Loads every dialect directory (a directory holding `dialect.toml`) under `dir`.
pub fn load(dir: &Path) -> Result<Spec> {
    let mut dialects = Vec::new();
    let entries =
        fs::read_dir(dir).with_context(|| format!("reading spec dir {}", dir.display()))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("dialect.toml").is_file())
        .collect();
    dirs.sort();
    for d in dirs {
        dialects.push(load_dialect(&d)?);
    }
    if dialects.is_empty() {
        bail!(
            "no dialect directories (with dialect.toml) under {}",
            dir.display()
        );
    }
    dialects.sort_by(|a, b| a.header.id.cmp(&b.header.id));
    Ok(Spec { dialects })
}

/// Loads the spec from [`default_spec_dir`].
pub fn load_default() -> Result<Spec> {
    load(&default_spec_dir())
}

/// Loads one dialect directory.
pub fn load_dialect(dir: &Path) -> Result<Dialect> {
    let header: DialectFile = read_toml(&dir.join("dialect.toml"))?;
    let mut actions = read_named(&dir.join("actions"), |a: &Action| a.name.clone())?;
    let structures = read_named(&dir.join("structures"), |s: &Structure| s.name.clone())?;
    let state_machines = read_named(&dir.join("state_machines"), |m: &StateMachine| {
        m.resource.clone()
    })?;
    let errors = read_parts(dir, "errors", |f: ErrorsFile| f.errors)?;
    let errata = read_parts(dir, "errata", |f: ErrataFile| f.errata)?;
    let limits = read_parts(dir, "limits", |f: LimitsFile| f.limits)?;
    let regions_file = dir.join("regions.toml");
    let regions = if regions_file.is_file() {
        read_toml(&regions_file)?
    } else {
        RegionCatalogue::default()
    };
    enumerate_regions(&mut actions, &regions);
    Ok(Dialect {
        header,
        actions,
        structures,
        state_machines,
        errors,
        errata,
        limits,
        regions,
        dir: dir.to_path_buf(),
    })
}

/// A region parameter of an action takes the catalogue's regions as its enumeration, so the
/// documents' one list of regions is the one list every action accepts (and the generator
/// synthesises a documented region).
fn enumerate_regions(actions: &mut BTreeMap<String, Action>, cat: &RegionCatalogue) {
    if cat.regions.is_empty() {
        return;
    }
    let ids: Vec<serde_json::Value> = cat.regions.iter().map(|r| r.id.clone().into()).collect();
    for p in actions.values_mut().flat_map(|a| a.params.iter_mut()) {
        if cat.params.contains(&p.name) && p.enum_values.is_empty() && p.ty == ParamType::String {
            p.enum_values = ids.clone();
        }
    }
}

fn read_toml<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// A table kept in `<name>.toml`, in `<name>/*.toml` (one file per topic), or both, concatenated.
fn read_parts<F: DeserializeOwned, T>(
    dir: &Path,
    name: &str,
    items: impl Fn(F) -> Vec<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let single = dir.join(format!("{name}.toml"));
    if single.is_file() {
        out.extend(items(read_toml(&single)?));
    }
    for path in toml_files(&dir.join(name))? {
        out.extend(items(read_toml(&path)?));
    }
    Ok(out)
}

/// The `*.toml` files directly in `dir`, sorted; none when `dir` does not exist.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Reads every `*.toml` in `dir` (absent dir: none), keyed by `key`; a duplicate key is an error.
fn read_named<T: DeserializeOwned>(
    dir: &Path,
    key: impl Fn(&T) -> String,
) -> Result<BTreeMap<String, T>> {
    let mut out = BTreeMap::new();
    for path in toml_files(dir)? {
        let item: T = read_toml(&path)?;
        let k = key(&item);
        if out.insert(k.clone(), item).is_some() {
            bail!(
                "{}: `{k}` is defined twice in {}",
                path.display(),
                dir.display()
            );
        }
    }
    Ok(out)
}
