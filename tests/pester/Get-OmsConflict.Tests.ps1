BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsConflict' {
    Test-CmdletContract Get-OmsConflict -Parameters Name, Table, Type, Direction, Since, Unresolved -ByPropertyName Name

    Context 'the rows a migration kept on the target' -Tag Integration {
        BeforeAll { $t = New-TestConflictMigration }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $t.Database }

        It 'lists one InsertExists conflict per kept row, with the row found on the target' {
            $conflicts = Get-OmsTask $t.Task | Get-OmsConflict | Sort-Object Key
            $conflicts | Should -HaveCount 2
            $conflicts[0].PSObject.TypeNames[0] | Should -Be 'OmsSync.PowerShell.Output.OmsConflict'
            $conflicts.Type | Sort-Object -Unique | Should -Be 'InsertExists'
            $conflicts[0].Table | Should -Be "$($t.TargetDatabase).t"
            $conflicts[0].Key | Should -BeLike '*"id":"2"*'
            $conflicts[0].TargetRow | Should -BeLike '*mine*'
            $conflicts.Outcome | Sort-Object -Unique | Should -Be 'KeptTarget'
            Invoke-TestSql MariaDbB "SELECT v FROM ``$($t.TargetDatabase)``.t WHERE id = 2" -Scalar | Should -Be 'mine'
        }
        It 'filters by type, table, time and resolution' {
            Get-OmsConflict $t.Task -Type DeleteMissing | Should -BeNullOrEmpty
            Get-OmsConflict $t.Task -Table 'nomatch.*' | Should -BeNullOrEmpty
            Get-OmsConflict $t.Task -Table "$($t.TargetDatabase).*" -Unresolved -Since ([datetime]::Now.AddMinutes(-10)) | Should -HaveCount 2
            Get-OmsConflict $t.Task -Since ([datetime]::Now.AddMinutes(5)) | Should -BeNullOrEmpty
            Get-OmsConflict $t.Task -Direction Reverse | Should -BeNullOrEmpty
        }
        It 'reports an unknown task and lists the others' {
            $found = Get-OmsConflict 'no-such-task', $t.Task -ErrorVariable e -ErrorAction SilentlyContinue
            $found | Should -HaveCount 2
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            $e[0].TargetObject | Should -Be 'no-such-task'
        }
    }
}
