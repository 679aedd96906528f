BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Resolve-OmsConflict' {
    Test-CmdletContract Resolve-OmsConflict -Parameters InputObject, Id, Action, PassThru -Sets Id, InputObject `
        -Mandatory ':Action', 'Id:Id', 'InputObject:InputObject' -ByValue InputObject -ByPropertyName Id -ConfirmImpact Medium

    Context 'settling conflicts from the pipeline' -Tag Integration {
        BeforeAll { $t = New-TestConflictMigration resolve }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $t.Database }

        It 'changes nothing with -WhatIf' {
            Get-OmsConflict $t.Task | Resolve-OmsConflict -Action ApplySource -WhatIf
            Get-OmsConflict $t.Task -Unresolved | Should -HaveCount 2
            Invoke-TestSql MariaDbB "SELECT v FROM ``$($t.TargetDatabase)``.t WHERE id = 2" -Scalar | Should -Be 'mine'
        }
        It 'applies the source row to the target (ApplySource)' {
            $resolved = Get-OmsConflict $t.Task | Where-Object Key -like '*"2"*' | Resolve-OmsConflict -Action ApplySource -PassThru -Confirm:$false
            $resolved.Resolution | Should -Be 'AppliedSource'
            $resolved.Resolved | Should -Not -BeNullOrEmpty
            Invoke-TestSql MariaDbB "SELECT v FROM ``$($t.TargetDatabase)``.t WHERE id = 2" -Scalar | Should -Be 'b'
        }
        It 'keeps the target row (KeepTarget), by id' {
            $open = Get-OmsConflict $t.Task -Unresolved
            $open | Should -HaveCount 1
            Resolve-OmsConflict -Id $open.Id -Action KeepTarget -Confirm:$false
            Get-OmsConflict $t.Task -Unresolved | Should -BeNullOrEmpty
            Invoke-TestSql MariaDbB "SELECT v FROM ``$($t.TargetDatabase)``.t WHERE id = 3" -Scalar | Should -Be 'ours'
        }
        It 'refuses a conflict resolved already (ConflictAlreadyResolved) and one that does not exist, going on with the rest' {
            $ids = @(Get-OmsConflict $t.Task).Id
            Resolve-OmsConflict -Id (@(999999) + $ids) -Action KeepTarget -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e | Should -HaveCount 3
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ConflictNotFound,*'
            $e[1].FullyQualifiedErrorId | Should -BeLike 'ConflictAlreadyResolved,*'
        }
    }
}
