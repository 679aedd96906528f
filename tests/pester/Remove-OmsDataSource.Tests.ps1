BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Remove-OmsDataSource' {
    Test-CmdletContract Remove-OmsDataSource -Parameters Name -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact High

    Context 'removing' -Tag Integration {
        It 'removes data sources piped from Get-OmsDataSource' {
            $prefix = New-TestName rm
            foreach ($n in 1..2) { $null = New-OmsDataSource "$prefix-$n" -Type MySql -Server h -Credential (New-TestCredential u p) }
            Get-OmsDataSource "$prefix-*" | Remove-OmsDataSource -Confirm:$false
            Get-OmsDataSource "$prefix-*" | Should -BeNullOrEmpty
        }
        It 'keeps it with -WhatIf' {
            $name = New-TestName ds
            $null = New-OmsDataSource $name -Type MySql -Server h -Credential (New-TestCredential u p)
            Remove-OmsDataSource $name -WhatIf
            Get-OmsDataSource $name | Should -Not -BeNullOrEmpty
        }
        It 'refuses while a task uses it (DataSourceInUse), and removes the others given' {
            $source = New-TestDataSource MariaDbA
            $target = New-TestDataSource MariaDbB
            $spare = New-TestName ds
            $null = New-OmsDataSource $spare -Type MySql -Server h -Credential (New-TestCredential u p)
            $task = New-TestName t
            $null = New-OmsTask $task -Source $source -Target $target -Include 'shop.*' -MigrationType Schema, Full
            Remove-OmsDataSource $source, $spare -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DataSourceInUse,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
            $e[0].TargetObject | Should -Be $source
            $e[0].Exception.Message | Should -BeLike "*$task*"
            Get-OmsDataSource $source | Should -Not -BeNullOrEmpty
            Get-OmsDataSource $spare -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Remove-OmsTask $task -Confirm:$false
            Remove-OmsDataSource $source, $target -Confirm:$false
        }
        It 'reports an unknown name (DataSourceNotFound)' {
            Remove-OmsDataSource no-such-source -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DataSourceNotFound,*'
            $e[0].TargetObject | Should -Be 'no-such-source'
        }
    }
}
