# Installs lineworks-partner (the command line) and lineworks-partner-sandbox __VERSION__ for
# Windows from the release's prebuilt archive, after checking the archive's SHA-256.
#
#   powershell -ExecutionPolicy Bypass -c "irm __DOWNLOAD_URL__/lineworks-partner-installer.ps1 | iex"
#
# Settings (environment):
#   LINEWORKS_PARTNER_INSTALL_DIR  where the programs go
#                                  (default: %LOCALAPPDATA%\Programs\lineworks-partner\bin)
#   LINEWORKS_PARTNER_DIST         where the archive comes from instead of the release: an
#                                  https:// or file:// URL, or a folder (to test a local build)

$ErrorActionPreference = 'Stop'
$version = '__VERSION__'
$base = if ($env:LINEWORKS_PARTNER_DIST) { $env:LINEWORKS_PARTNER_DIST } else { '__DOWNLOAD_URL__' }
$base = $base.TrimEnd('/', '\')
$dest = if ($env:LINEWORKS_PARTNER_INSTALL_DIR) { $env:LINEWORKS_PARTNER_INSTALL_DIR } else {
  Join-Path $env:LOCALAPPDATA 'Programs\lineworks-partner\bin'
}

# Windows on Arm runs the x86_64 build under emulation.
if ($env:PROCESSOR_ARCHITECTURE -notin @('AMD64', 'ARM64')) {
  throw "no prebuilt binary for $($env:PROCESSOR_ARCHITECTURE); install from source with: cargo install lineworks-partner-cli"
}
$target = 'x86_64-pc-windows-msvc'
$archive = "lineworks-partner-$target.zip"

$tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("lineworks-partner-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
  # Windows PowerShell 5.1 may default to TLS 1.0.
  [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
  foreach ($name in @($archive, "$archive.sha256")) {
    $to = Join-Path $tmp $name
    if ($base -match '^https://') {
      Invoke-WebRequest -UseBasicParsing -Uri "$base/$name" -OutFile $to
    } elseif ($base -match '^file://') {
      Copy-Item -LiteralPath (Join-Path ($base -replace '^file://', '') $name) -Destination $to
    } elseif ($base -match '^[A-Za-z][A-Za-z0-9+.-]+://') {
      throw "only https:// or file:// sources are used, not $base"
    } else {
      Copy-Item -LiteralPath (Join-Path $base $name) -Destination $to
    }
  }
  $expected = ((Get-Content -Raw -LiteralPath (Join-Path $tmp "$archive.sha256")).Trim() -split '\s+')[0].ToLowerInvariant()
  $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path $tmp $archive)).Hash.ToLowerInvariant()
  if ($expected -notmatch '^[0-9a-f]{64}$' -or $actual -ne $expected) {
    throw "checksum mismatch for ${archive}: expected $expected, got $actual; nothing installed"
  }
  Expand-Archive -LiteralPath (Join-Path $tmp $archive) -DestinationPath $tmp
  New-Item -ItemType Directory -Force -Path $dest | Out-Null
  foreach ($bin in @('lineworks-partner.exe', 'lineworks-partner-sandbox.exe')) {
    Copy-Item -Force -LiteralPath (Join-Path $tmp "lineworks-partner-$target\$bin") -Destination (Join-Path $dest $bin)
  }
  Write-Host "installed lineworks-partner and lineworks-partner-sandbox $version into $dest"
  $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
  if (-not (($userPath -split ';') -contains $dest)) {
    Write-Host "note: $dest is not on your PATH; add it to run lineworks-partner by name"
  }
} finally {
  Remove-Item -Recurse -Force -LiteralPath $tmp -ErrorAction SilentlyContinue
}
