; Inno Setup script: a per-user Windows installer for the one-folder build in dist\EcoDesk.
; County PCs often give no admin rights, so it installs under the user's own programs folder
; ({userpf} → %LOCALAPPDATA%\Programs) and never asks for elevation. User data lives in
; %LOCALAPPDATA%\EcoDesk (platformdirs), outside the program folder: an uninstall or an
; upgrade never touches the database, keys or backups.
; Inno Setup 6.5+ ships ChineseSimplified.isl; with an older one, copy that file into its Languages folder.
; Saved as UTF-8 with a BOM so that Inno Setup before 6.3 also reads the Chinese names correctly.
; Build on Windows after `python packaging\build.py`:  iscc /DAppVersion=0.1.0 packaging\ecodesk.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E1F3C0B-5B7E-4E55-9C38-EC0D0E5C0001}
AppName=EcoDesk 生态文明报送
AppVersion={#AppVersion}
AppPublisher=赣州市生态文明建设领导小组办公室
DefaultDirName={userpf}\EcoDesk
DefaultGroupName=EcoDesk 生态文明报送
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=EcoDesk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\ecodesk.ico
UninstallDisplayIcon={app}\EcoDesk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\dist\EcoDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\EcoDesk 生态文明报送"; Filename: "{app}\EcoDesk.exe"
Name: "{group}\{cm:UninstallProgram,EcoDesk}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\EcoDesk 生态文明报送"; Filename: "{app}\EcoDesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\EcoDesk.exe"; Description: "{cm:LaunchProgram,EcoDesk}"; Flags: nowait postinstall skipifsilent
