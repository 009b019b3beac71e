; Inno Setup script for ResLens on Windows: wraps the PyInstaller one-folder bundle.
;
;   1. pyinstaller --noconfirm build.spec          (on Windows: makes dist\reslens\reslens.exe)
;   2. iscc packaging\windows\reslens.iss           (makes dist\ResLens-<version>-setup.exe)
;
; Pass another version with iscc /DAppVersion=0.2.0. Not run in the project's CI (no Windows
; there); keep the names in step with build.spec (app "reslens", icon assets\icons\reslens.ico).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ResLens"
#define AppExe "reslens.exe"
#define Root "..\.."

[Setup]
AppId={{6F1C7C52-2B7E-4C3B-9D3A-5E0C1F7A9B21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=ResLens developers
AppPublisherURL=https://github.com/reslens/reslens
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; The bundle is 64-bit only (PyTorch).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={#Root}\dist
OutputBaseFilename=ResLens-{#AppVersion}-setup
SetupIconFile={#Root}\assets\icons\reslens.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
; Several GB of CUDA libraries: lzma2 at a moderate level, solid off so setup starts quickly.
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
Source: "{#Root}\dist\reslens\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
