namespace OmsSync.PowerShell;
