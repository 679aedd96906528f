BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Start-OmsVerification' {
    Test-CmdletContract Start-OmsVerification -Parameters Name, Include, Mode, Since, AsJob, Wait, Source, Target, Exclude, Rename, RowFilter, Column `
        -Sets AsJob, Wait, SourceTargetAsJob, SourceTargetWait `
        -Mandatory 'AsJob:Name', 'Wait:Name', 'Wait:Wait', 'SourceTargetAsJob:Include', 'SourceTargetAsJob:Source', 'SourceTargetAsJob:Target',
            'SourceTargetWait:Include', 'SourceTargetWait:Source', 'SourceTargetWait:Target', 'SourceTargetWait:Wait' `
        -ByValue Name -ByPropertyName Name -ConfirmImpact Low

    Context 'comparing two data sources without a sync task' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName pair
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT, note VARCHAR(10)); INSERT INTO ``$db``.t SELECT seq, seq, 'a' FROM ``$db``.seq_1_to_500; CREATE TABLE ``$db``.skip_me (id INT PRIMARY KEY)"
            Invoke-TestSql MariaDbB "CREATE DATABASE ``${db}_copy``; CREATE TABLE ``${db}_copy``.t (id INT PRIMARY KEY, v INT, note VARCHAR(10)); INSERT INTO ``${db}_copy``.t SELECT seq, seq, 'a' FROM ``${db}_copy``.seq_1_to_500;
                UPDATE ``${db}_copy``.t SET v = -1 WHERE id = 7; DELETE FROM ``${db}_copy``.t WHERE id = 8; UPDATE ``${db}_copy``.t SET v = -1 WHERE id = 400; UPDATE ``${db}_copy``.t SET note = 'changed' WHERE id = 9"
            $source = New-TestDataSource MariaDbA src
            $target = New-TestDataSource MariaDbB dst
        }
        AfterAll { Remove-OmsTask "pair-$db" -Confirm:$false -ErrorAction SilentlyContinue; Invoke-TestSql MariaDbA "DROP DATABASE IF EXISTS ``$db``"; Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``${db}_copy``" }

        It 'compares the objects given, with renames, row filters and columns, and the results repair like a task''s' {
            $results = Start-OmsVerification "pair-$db" -Source $source -Target $target -Include "$db.*" -Exclude "$db.skip_*" -Rename @{ $db = "${db}_copy" } `
                -RowFilter @{ "$db.t" = 'id < 300' } -Column @{ "$db.t" = 'id', 'v' } -Wait -Confirm:$false
            $results | Should -HaveCount 1
            $results[0].TargetTable | Should -Be "${db}_copy.t"
            ($results[0].MissingOnTarget, $results[0].ExtraOnTarget, $results[0].Different) | Should -Be 1, 0, 1 -Because 'id 400 is outside the filter and note is not compared'
            $task = Get-OmsTask "pair-$db"
            "$($task.MigrationType)" | Should -Be 'Verify'
            $detail = Get-OmsVerificationResult "pair-$db" -Detail
            @($detail | ForEach-Object Key) | Should -Be '{"id":"7"}', '{"id":"8"}'
            $detail | Repair-OmsDifference -Confirm:$false
            Invoke-TestSql MariaDbB "SELECT CONCAT(COUNT(*), ':', SUM(v)) FROM ``${db}_copy``.t WHERE id < 300" -Scalar | Should -Be (Invoke-TestSql MariaDbA "SELECT CONCAT(COUNT(*), ':', SUM(v)) FROM ``$db``.t WHERE id < 300" -Scalar)
            # The same comparison again, by the name it was given: now equal.
            $again = Start-OmsVerification "pair-$db" -Wait -Confirm:$false
            $again[0].Differences | Should -Be 0
        }
        It 'refuses a name a task has (TaskExists) and an unknown data source (DataSourceNotFound), defining nothing' {
            Start-OmsVerification "pair-$db" -Source $source -Target $target -Include "$db.*" -Wait -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskExists,*'
            $name = New-TestName nosource
            Start-OmsVerification $name -Source no-such-source -Target $target -Include "$db.*" -Wait -Confirm:$false -ErrorVariable e2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e2[0].FullyQualifiedErrorId | Should -BeLike 'DataSourceNotFound,*'
            Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            # A row filter is evaluated on both sides: not across MySQL and PostgreSQL, whose SQL differs.
            $pg = New-TestDataSource Postgres pg
            Start-OmsVerification $name -Source $pg -Target $target -Include 'public.t' -RowFilter @{ 'public.t' = 'id < 3' } -Wait -Confirm:$false -ErrorVariable e3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e3[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRowFilterValue,*'
            "$($e3[0])" | Should -BeLike "*both data sources*"
            Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Remove-OmsDataSource $pg -Confirm:$false
        }
        It 'makes up a name when none is given' {
            $job = Start-OmsVerification -Source $source -Target $target -Include "$db.t" -Rename @{ $db = "${db}_copy" } -Confirm:$false
            $null = Wait-Job $job -Timeout 120
            "$($job.JobStateInfo.State)" | Should -Be 'Completed'
            $made = Get-OmsTask "verify-$source-$target-*"
            $made | Should -HaveCount 1
            Remove-OmsTask $made.Name -Confirm:$false
            Remove-Job $job -Force
        }
    }

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
