BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsStateStore' {
    Test-CmdletContract Get-OmsStateStore -Parameters @()

    Context 'showing' -Tag Integration {
        It 'shows the SQLite file of the home by default' {
            $store = Get-OmsStateStore
            $store.Type | Should -Be 'Sqlite'
            $store.Database | Should -Be (Join-Path $stateHome 'state.db')
            $store.Home | Should -Be $stateHome
        }
        It 'fails with StateStoreSettingsUnreadable on a damaged settings file' {
            Set-Content (Join-Path $stateHome 'state-store.json') '{ not json'
            try {
                { Get-OmsStateStore -ErrorAction Stop } | Should -Throw -ErrorId 'StateStoreSettingsUnreadable*'
            } finally {
                Remove-Item (Join-Path $stateHome 'state-store.json')
            }
        }
    }
}
