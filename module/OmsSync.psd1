@{
    # The build lays the module out as bin/modules/OmsSync: this manifest, the assembly, the worker,
    # the format file and en-US (cmdlet help and about_OmsSync) side by side.
    RootModule           = 'OmsSync.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d0b7c2e-8f7a-4f7e-9a51-3c1f2b6e4d90'
    Author               = 'OmsSync'
    CompanyName          = 'OmsSync'
    Copyright            = '(c) OmsSync. All rights reserved.'
    Description          = 'Migration and bidirectional synchronization between MySQL-family databases and PostgreSQL: schema, full, incremental, conflicts, verification.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('OmsSync.Format.ps1xml')
    CmdletsToExport      = @(
        'New-OmsDataSource', 'Get-OmsDataSource', 'Set-OmsDataSource', 'Remove-OmsDataSource', 'Test-OmsDataSource',
        'New-OmsTask', 'Get-OmsTask', 'Set-OmsTask', 'Remove-OmsTask', 'Test-OmsTask',
        'Start-OmsForward', 'Suspend-OmsTask', 'Resume-OmsTask', 'Stop-OmsTask',
        'Enable-OmsReverse', 'Get-OmsConflict', 'Set-OmsConflictPolicy', 'Resolve-OmsConflict', 'Export-OmsConflict',
        'Start-OmsVerification', 'Get-OmsVerificationResult', 'Repair-OmsDifference', 'Stop-OmsVerification',
        'Get-OmsDdl', 'Skip-OmsDdl', 'Switch-OmsTask', 'Export-OmsTask', 'Import-OmsTask', 'Copy-OmsTask', 'Rename-OmsTask', 'Set-OmsAlert', 'Get-OmsAlert',
        'Set-OmsStateStore', 'Get-OmsStateStore'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('MySQL', 'MariaDB', 'PostgreSQL', 'Migration', 'Replication', 'CDC')
            ProjectUri = ''
        }
    }
}
