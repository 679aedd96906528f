BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Start-OmsVerification' {
    Test-CmdletContract Start-OmsVerification -Parameters Name, Include, Mode, Since, AsJob, Wait -Sets AsJob, Wait `
        -Mandatory ':Name', 'Wait:Wait' -ByValue Name -ByPropertyName Name -ConfirmImpact Low

    Context 'verifying a migrated task' -Tag Integration {
        BeforeAll { $t = New-TestVerifiedMigration startver }
        AfterAll { Get-Job | Where-Object PSJobTypeName -eq OmsWorkerJob | Remove-Job -Force; Remove-TestTask $t; Remove-TestDatabase $t.Database }

        It 'returns a job whose output is the per-table results, with the differences found' {
            Invoke-TestSql MariaDbB "DELETE FROM items WHERE id IN (10, 11); UPDATE items SET name = 'ITEM 12' WHERE id = 12; INSERT INTO items VALUES (9999, 'stray', 1); INSERT INTO tags VALUES ('odd', 1)" -Database $t.TargetDatabase
            $job = Start-OmsVerification -Name $t.Task -Confirm:$false
            $job.PSJobTypeName | Should -Be 'OmsWorkerJob'
            $null = Wait-Job $job -Timeout 120
            "$($job.JobStateInfo.State)" | Should -Be 'Completed'
            $items = Receive-Job $job | Where-Object SourceTable -eq "$($t.Database).items"
            $items.TargetTable | Should -Be "$($t.TargetDatabase).items"
            ($items.MissingOnTarget, $items.ExtraOnTarget, $items.Different) | Should -Be 2, 1, 1
        }
        It 'with -Wait, writes progress and returns the results' {
            $progress = [System.Collections.Generic.List[object]]::new()
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript('param($Task) Import-Module OmsSync; Start-OmsVerification $Task -Include ''*.tags'' -Wait -Confirm:$false').AddArgument($t.Task)
                $ps.Streams.Progress.add_DataAdded({ param($sender, $e) $progress.Add($sender[$e.Index]) })
                $results = $ps.Invoke()
                $ps.Streams.Error | Should -BeNullOrEmpty
            } finally { $ps.Dispose() }
            $results | Should -HaveCount 1
            $results[0].SourceTable | Should -Be "$($t.Database).tags"
            $results[0].Differences | Should -Be 1
            $progress | Where-Object { "$($_.RecordType)" -eq 'Completed' -and $_.Activity -like "Verifying task $($t.Task)*" } | Should -Not -BeNullOrEmpty
        }
        It 'starts nothing with -WhatIf' {
            $before = @(Get-OmsVerificationResult $t.Task).RunId | Sort-Object -Unique
            Start-OmsVerification $t.Task -WhatIf
            @(Get-OmsVerificationResult $t.Task).RunId | Sort-Object -Unique | Should -Be $before
        }
        It 'refuses <Arguments> with <ErrorId>' -ForEach @(
            @{ Arguments = @{ Since = [datetime]::Now }; ErrorId = 'InvalidSince' }
            @{ Arguments = @{ Include = 'a.b.c' }; ErrorId = 'InvalidIncludePattern' }
            @{ Arguments = @{ Include = 'nothing.here' }; ErrorId = 'VerificationFailed' }
        ) {
            Start-OmsVerification $t.Task @Arguments -Wait -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        }
        It 'reports an unknown task (TaskNotFound) and verifies the next one piped' {
            $results = 'no-such-task', $t.Task | Start-OmsVerification -Include '*.tags' -Wait -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            @($e).Count | Should -Be 1 -Because ($e | Out-String)
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            $results.Task | Should -Be $t.Task
        }
    }

    Context 'verifying through PostgreSQL' -Tag Integration {
        It 'verifies MariaDB into PostgreSQL in the task''s Verify phase, then finds missing, extra and different rows' {
            $t = New-TestPostgresMigration startpg -MigrationType 'Schema,Full,Verify'
            try {
                $phase = Get-OmsVerificationResult $t.Task
                $phase.Status | Should -Be 'Completed'
                $phase.SourceRows | Should -Be 3000
                $phase.Differences | Should -Be 0
                $items = "`"$($t.TargetDatabase)`".items"
                Invoke-TestPgSql ("DELETE FROM $items WHERE id IN (10, 11); UPDATE $items SET at = at + interval '1 microsecond' WHERE id = 12; " +
                    "UPDATE $items SET doc = '{`"n`": 13, `"tags`": [`"a`", 14]}' WHERE id = 13; UPDATE $items SET ok = 1 - ok WHERE id = 14; " +
                    "UPDATE $items SET doc = '{`"tags`":[`"a`",15.0],`"n`":15}' WHERE id = 15; INSERT INTO $items (id, name) VALUES (9999, 'stray')")
                $result = Start-OmsVerification $t.Task -Wait -Confirm:$false
                ($result.MissingOnTarget, $result.ExtraOnTarget, $result.Different) | Should -Be 2, 1, 3
            } finally { Remove-TestPostgresMigration $t }
        }
        It 'verifies PostgreSQL into MariaDB' {
            $t = New-TestPostgresMigration startfrompg -FromPostgres
            try {
                Invoke-TestSql MariaDbB ("SET time_zone = '+00:00'; DELETE FROM items WHERE id = 10; UPDATE items SET ok = NOT ok WHERE id = 11; " +
                    "UPDATE items SET price = price + 0.01, at = at + INTERVAL 1 HOUR WHERE id = 12; UPDATE items SET bin = NULL WHERE id = 13") -Database $t.TargetDatabase
                $result = Start-OmsVerification $t.Task -Wait -Confirm:$false
                $result.SourceTable | Should -Be "$($t.Database).items"
                ($result.MissingOnTarget, $result.ExtraOnTarget, $result.Different) | Should -Be 1, 0, 3
                (Get-OmsVerificationResult $t.Task -Detail | Where-Object Key -eq '{"id":"12"}').TargetRow | Should -BeLike '*3.01*'
            } finally { Remove-TestPostgresMigration $t }
        }
    }
}
