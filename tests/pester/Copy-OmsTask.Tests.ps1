BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Copy-OmsTask' {
    Test-CmdletContract Copy-OmsTask -Parameters Name, NewName, Source, Target -Mandatory ':Name', ':NewName' -ByPropertyName Name -ConfirmImpact Low

    Context 'copying' -Tag Integration {
        BeforeEach { $t = New-TestTask -Options @{ RowFilter = @{ 'shop.orders' = 'id > 3' }; Partition = @{ 'shop.orders' = 'p2026' }; Resources = 'Large'; Label = 'nightly' } }
        AfterEach { Remove-TestTask $t }

        It 'creates a task with the whole definition under the new name, not run' {
            $name = New-TestName copy
            $copy = Copy-OmsTask $t.Task -NewName $name
            $copy.Name | Should -Be $name
            "$($copy.Status)" | Should -Be 'Created'
            $original = Export-OmsTask $t.Task | ConvertFrom-Json
            $copied = Export-OmsTask $name | ConvertFrom-Json
            $copied.Task.Name = $t.Task
            ($copied | ConvertTo-Json -Depth 10) | Should -Be ($original | ConvertTo-Json -Depth 10)
            (Get-TestStoredTask $name).Id | Should -Not -Be (Get-TestStoredTask $t.Task).Id
        }
        It 'refuses a name another task has (TaskExists) and creates nothing with -WhatIf' {
            Copy-OmsTask $t.Task -NewName $t.Task.ToUpperInvariant() -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskExists,*'
            $name = New-TestName whatif
            Copy-OmsTask $t.Task -NewName $name -WhatIf
            Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }
}
