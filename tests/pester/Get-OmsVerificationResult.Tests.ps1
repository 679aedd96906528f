BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsVerificationResult' {
    Test-CmdletContract Get-OmsVerificationResult -Parameters Name, Table, Detail -ByValue Name -ByPropertyName Name

    Context 'results of the Verify phase and of a run' -Tag Integration {
        BeforeAll { $t = New-TestVerifiedMigration getver }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $t.Database }

        It 'shows the Verify phase''s per-table results: every row compared, none different' {
            $results = Get-OmsVerificationResult $t.Task
            $results.SourceTable | Should -Be "$($t.Database).items", "$($t.Database).tags"
            $results.Status | Sort-Object -Unique | Should -Be 'Completed'
            ($results | Measure-Object Differences -Sum).Sum | Should -Be 0
            $results[0].SourceRows | Should -Be 3000
        }
        It 'with -Detail, lists the rows that differ, filtered by -Table' {
            Invoke-TestSql MariaDbB "UPDATE items SET name = 'ITEM 12' WHERE id = 12; INSERT INTO tags VALUES ('odd', 1)" -Database $t.TargetDatabase
            $null = Start-OmsVerification $t.Task -Wait -Confirm:$false
            $details = Get-OmsTask $t.Task | Get-OmsVerificationResult -Detail
            $details | Should -HaveCount 2
            $different = $details | Where-Object Kind -eq Different
            $different.Table | Should -Be "$($t.TargetDatabase).items"
            $different.Key | Should -Be '{"id":"12"}'
            $different.SourceRow | Should -BeLike '*item 12*'
            $different.TargetRow | Should -BeLike '*ITEM 12*'
            Get-OmsVerificationResult $t.Task -Detail -Table '*.tags' | Should -HaveCount 1
        }
        It 'reports an unknown task (TaskNotFound)' {
            Get-OmsVerificationResult no-such-task -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        }
    }
}
