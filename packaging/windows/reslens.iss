; Inno Setup script for ResLens on Windows: wraps the PyInstaller one-folder bundle.
;
;   1. pyinstaller --noconfirm build.spec          (on Windows: makes dist\reslens\reslens.exe)
;   2. iscc packaging\windows\reslens.iss           (makes dist\ResLens-<version>-setup.exe)
;
; ResLens Lite (no torch), from a venv made with packaging\requirements-lite.txt and
; `pip install --no-deps -e .`:
;
;   1. pyinstaller --noconfirm build-lite.spec     (dist\reslens-lite\reslens-lite.exe, reslens-lite-cli.exe)
;   2. iscc /DLite packaging\windows\reslens.iss   (makes dist\ResLens-Lite-<version>-setup.exe)
;
; Pass another version with iscc /DAppVersion=0.2.0. Not run in the project's CI (no Windows
; there); keep the names in step with packaging\bundle_rules.py (the editions' folders and
; executables) and build.spec (icon assets\icons\reslens.ico).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifdef Lite
  #define AppName "ResLens Lite"
  #define Bundle "reslens-lite"
  #define SetupName "ResLens-Lite"
  #define AppGuid "{{3B8E2D4A-7C1F-4E6B-A2D9-8F5C0B1E7D34}"
#else
  #define AppName "ResLens"
  #define Bundle "reslens"
  #define SetupName "ResLens"
  #define AppGuid "{{6F1C7C52-2B7E-4C3B-9D3A-5E0C1F7A9B21}"
#endif
#define AppExe Bundle + ".exe"
#define Root "..\.."

[Setup]
; The two editions install side by side: each has its own AppId, folder and shortcuts.
AppId={#AppGuid}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=ResLens developers
AppPublisherURL=https://github.com/reslens/reslens
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; The bundles are 64-bit only (PyTorch; ONNX Runtime's Windows wheels).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={#Root}\dist
OutputBaseFilename={#SetupName}-{#AppVersion}-setup
SetupIconFile={#Root}\assets\icons\reslens.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
; Several GB of CUDA libraries in the full edition: lzma2 at a moderate level, solid off so
; setup starts quickly (Lite's ~250 MB would compress better solid; one setting keeps it simple).
Compression=lzma2/fast
SolidCompression=no
DiskSpanning=no
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder bundle, as PyInstaller left it.
Source: "{#Root}\dist\{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
