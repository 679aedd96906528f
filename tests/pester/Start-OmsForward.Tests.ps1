BeforeDiscovery {
    . $PSScriptRoot/CmdletContract.ps1
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    $hostileFilters = Get-TestHostileRowFilter
}
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    function Test-TargetDatabase([string] $Database) {
        [bool] (Invoke-TestSql MariaDbB "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$Database'" -Scalar)
    }
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Start-OmsForward' {
    Test-CmdletContract Start-OmsForward -Parameters Name, AsJob, Wait, SkipPreCheck, SkipCheck -Sets AsJob, Wait `
        -Mandatory ':Name', 'Wait:Wait' -ByValue Name -ByPropertyName Name -ConfirmImpact Medium

    Context 'as a job' -Tag Integration {
        BeforeAll { $db = New-TestSourceDatabase fwdjob 5000; $t = New-TestTask -Database $db -Options @{ IndexMigration = 'AfterFull' } }
        AfterAll { Get-Job -Name $t.Task -ErrorAction SilentlyContinue | Remove-Job -Force; Remove-TestTask $t; Remove-TestDatabase $db }

        It 'returns an OmsWorkerJob that Wait-Job and Receive-Job follow to the completed migration' {
            $job = Get-OmsTask $t.Task | Start-OmsForward -Confirm:$false
            $job.PSJobTypeName | Should -Be 'OmsWorkerJob'
            $job.Name | Should -Be $t.Task
            $job.WorkerPid | Should -BeGreaterThan 0
            $null = Wait-Job $job -Timeout 120
            "$($job.JobStateInfo.State)" | Should -Be 'Completed'
            $received = Receive-Job $job
            "$($received.Status)" | Should -Be 'Completed'
            (Get-Job -Name $t.Task).Id | Should -Be $job.Id
            Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items" -Scalar | Should -Be 5000
        }
    }

    Context 'with -Wait' -Tag Integration {
        BeforeAll { $db = New-TestSourceDatabase fwdwait 3000; $t = New-TestTask -Database $db }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'writes progress while it waits and returns the completed task' {
            $progress = [System.Collections.Generic.List[object]]::new()
            $ps = [powershell]::Create()
            try {
                # A runspace of its own, to collect the progress records pwsh would draw.
                $null = $ps.AddScript('param($Task) Import-Module OmsSync; Start-OmsForward $Task -Wait -Confirm:$false').AddArgument($t.Task)
                $ps.Streams.Progress.add_DataAdded({ param($sender, $e) $progress.Add($sender[$e.Index]) })
                $result = $ps.Invoke()
                $ps.Streams.Error | Should -BeNullOrEmpty
            } finally { $ps.Dispose() }
            "$($result[0].Status)" | Should -Be 'Completed'
            $result[0].Tables[0].RowsCopied | Should -Be 3000
            $progress | Where-Object { $_.Activity -like "Task $($t.Task)*" } | Should -Not -BeNullOrEmpty
            $progress | Where-Object { "$($_.RecordType)" -eq 'Completed' } | Should -Not -BeNullOrEmpty
            Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items" -Scalar | Should -Be 3000
        }
        It 'refuses a task whose worker runs (TaskAlreadyRunning)' {
            $db2 = New-TestDatabaseName fwdtwice
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db2``; CREATE TABLE ``$db2``.t (id INT PRIMARY KEY)"
            $t2 = New-TestTask -Database $db2 -MigrationType 'Schema,Full,Incremental'
            try {
                $null = Start-OmsForward $t2.Task -Wait -Confirm:$false
                Start-OmsForward $t2.Task -Wait -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskAlreadyRunning,*'
            } finally { Remove-TestTask $t2; Remove-TestDatabase $db2 }
        }
    }

    Context 'refusals' -Tag Integration {
        It 'starts nothing with -WhatIf' {
            $t = New-TestTask
            Start-OmsForward $t.Task -WhatIf -SkipPreCheck
            "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Created'
            Remove-TestTask $t
        }
        It 'starts nothing when a pre-check fails (PreCheckFailed) and goes on with the next task' {
            $bad = New-TestTask
            Set-OmsDataSource $bad.Source -Port 1 -Confirm:$false
            $db = New-TestSourceDatabase fwdnext 10
            $good = New-TestTask -Database $db
            $bad.Task, $good.Task | Start-OmsForward -Wait -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'PreCheckFailed,*'
            $e[0].TargetObject | Should -Be $bad.Task
            $e[0].Exception.Message | Should -BeLike '*Connectivity*'
            "$((Get-OmsTask $bad.Task).Status)" | Should -Be 'Created'
            "$((Get-OmsTask $good.Task).Status)" | Should -Be 'Completed'
            Remove-TestTask $bad; Remove-TestTask $good; Remove-TestDatabase $db
        }
        It 'migrates MariaDB into PostgreSQL after a passing pre-check' {
            $db = New-TestSourceDatabase fwdpg 3000
            $source = New-TestDataSource MariaDbA my
            $target = New-TestDataSource Postgres pg
            $task = New-TestName t
            try {
                $null = New-OmsTask $task -Source $source -Target $target -Include "$db.*" -MigrationType Schema, Full
                $done = Start-OmsForward $task -Wait -Confirm:$false
                "$($done.Status)" | Should -Be 'Completed'
                Invoke-TestPgSql "SELECT count(*) FROM `"$db`".items" -Scalar | Should -Be 3000
            } finally {
                Remove-OmsTask $task -Confirm:$false; Remove-OmsDataSource $source, $target -Confirm:$false
                Remove-TestDatabase $db; Invoke-TestPgSql "DROP SCHEMA IF EXISTS `"$db`" CASCADE"
            }
        }
    }

    Context 'row filters' -Tag Integration {
        It 'fails the task on a stored filter <Text> (<Reason>) under -SkipPreCheck and runs nothing on the source' -ForEach $hostileFilters {
            $db = New-TestRowFilterDatabase rfbad
            $t = New-TestTask -Database $db -Include "$db.orders"
            try {
                # A filter stored by other means (an older OmsSync, an edited state store), past the pre-check: the worker refuses it.
                Set-TestStoredRowFilter $t.Task @{ "$db.orders" = $Text -f $db }
                $null = Start-OmsForward $t.Task -Wait -SkipPreCheck -Confirm:$false -ErrorAction SilentlyContinue
                $state = Get-OmsTask $t.Task
                "$($state.Status)" | Should -Be 'Failed'
                $state.Message | Should -Match $Reason
                Invoke-TestSql MariaDbA "SELECT COUNT(*) FROM ``$db``.victim" -Scalar | Should -Be 3
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
        It 'copies the rows a good filter selects, a semicolon inside a string included' {
            $db = New-TestRowFilterDatabase rfgood
            $t = New-TestTask -Database $db -Include "$db.orders" -Options @{ RowFilter = @{ "$db.orders" = "COALESCE(note, '') <> 'x;y' AND id > 2" } }
            try {
                Test-OmsTask $t.Task | Where-Object Status -eq Fail | Should -BeNullOrEmpty
                $done = Start-OmsForward $t.Task -Wait -Confirm:$false
                "$($done.Status)" | Should -Be 'Completed'
                Invoke-TestSql MariaDbB "SELECT GROUP_CONCAT(id ORDER BY id) FROM ``$($t.TargetDatabase)``.orders" -Scalar | Should -Be '3,5'
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
    }

    Context 'the source side first' -Tag Integration {
        It 'fails a task whose filter names a missing column, naming the source, before anything is created on the target' {
            $db = New-TestDatabaseName srcfirst
            Invoke-TestSql MariaDbA ("CREATE DATABASE ``$db``; CREATE TABLE ``$db``.a (id INT PRIMARY KEY); CREATE TABLE ``$db``.b (id INT PRIMARY KEY); " +
                "CREATE TABLE ``$db``.c (id INT PRIMARY KEY); INSERT INTO ``$db``.a VALUES (1)")
            $t = New-TestTask -Database $db -Options @{ RowFilter = @{ "$db.a" = 'no_such_column > 1' } }
            try {
                $null = Start-OmsForward $t.Task -Wait -SkipPreCheck -Confirm:$false -ErrorAction SilentlyContinue
                $state = Get-OmsTask $t.Task
                "$($state.Status)" | Should -Be 'Failed'
                $state.Message | Should -Match ([regex]::Escape("data source '$($t.Source)'"))
                $state.Message | Should -Match 'no_such_column'
                $state.Message | Should -Not -Match ([regex]::Escape("'$($t.Target)'"))
                Test-TargetDatabase $t.TargetDatabase | Should -BeFalse
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
        It 'fails an incremental task on a source without binlog, naming the source, before its schema is made' {
            $serverName = New-TestName nobinlog
            $ownServer = Start-TestMariaDb $serverName 721 -NoBinlog
            $db = New-TestDatabaseName nobinlog
            Invoke-TestSql $ownServer "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY); INSERT INTO ``$db``.t VALUES (1)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -SourceAddress $ownServer
            try {
                $null = Start-OmsForward $t.Task -SkipPreCheck -Confirm:$false
                Wait-TestCondition -What 'the task to fail' -Seconds 60 -Condition { "$((Get-OmsTask $t.Task).Status)" -eq 'Failed' } `
                    -Describe { Get-OmsTask $t.Task | Format-List Status, Phase, Message }
                $state = Get-OmsTask $t.Task
                $state.Message | Should -Match ([regex]::Escape("data source '$($t.Source)'"))
                $state.Message | Should -Match 'log_bin'
                Test-TargetDatabase $t.TargetDatabase | Should -BeFalse
            } finally {
                Get-Job -Name $t.Task -ErrorAction SilentlyContinue | Remove-Job -Force
                Remove-TestTask $t; Remove-TestDatabase $db; Stop-TestMariaDb $serverName
            }
        }
    }

    Context 'skipping named pre-checks' -Tag Integration {
        BeforeAll {
            # A target user without CREATE VIEW fails TargetPrivileges, though a task without views never needs it.
            $user = "nocv_$([guid]::NewGuid().ToString('N').Substring(0, 8))"
            $password = 'Pw-' + [guid]::NewGuid().ToString('N')
            Invoke-TestSql MariaDbB "CREATE USER '$user'@'%' IDENTIFIED BY '$password'; GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX ON *.* TO '$user'@'%'"
            $b = Get-TestServer MariaDbB
            $target = New-TestName dst
            $null = New-OmsDataSource $target -Type MariaDb -Server $b.Server -Port $b.Port -Credential (New-TestCredential -User $user -Password $password) -Confirm:$false
            $source = New-TestDataSource MariaDbA src
            $db = New-TestSourceDatabase fwdskip 200
            $task = New-TestName skip
            $null = New-OmsTask $task -Source $source -Target $target -Include "$db.*" -Rename @{ $db = "${db}_t" } -MigrationType Schema, Full -Confirm:$false
        }
        AfterAll {
            Remove-OmsTask $task -Force -Confirm:$false -ErrorAction SilentlyContinue
            Remove-OmsDataSource $source, $target -Confirm:$false -ErrorAction SilentlyContinue
            Remove-TestDatabase $db; Invoke-TestSql MariaDbB "DROP USER IF EXISTS '$user'@'%'"
        }

        It 'refuses an unknown check name (UnknownCheck), listing the known ones, and starts nothing' {
            Start-OmsForward $task -SkipCheck TargetPrivilege -Wait -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'UnknownCheck,*'
            $e[0].TargetObject | Should -Be 'TargetPrivilege'
            $e[0].Exception.Message | Should -BeLike "*'TargetPrivilege'*Known checks: *TargetPrivileges*"
            "$((Get-OmsTask $task).Status)" | Should -Be 'Created'
        }
        It 'is stopped by the failing check when it is not skipped' {
            Start-OmsForward $task -Wait -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'PreCheckFailed,*'
            $e[0].Exception.Message | Should -BeLike '*TargetPrivileges*CREATE VIEW*-SkipCheck*'
            "$((Get-OmsTask $task).Status)" | Should -Be 'Created'
        }
        It 'starts despite a skipped check, warns that it was skipped and records it in the worker log' {
            $done = Start-OmsForward $task -SkipCheck targetprivileges -Wait -Confirm:$false -WarningVariable warnings
            "$($done.Status)" | Should -Be 'Completed'
            Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``${db}_t``.items" -Scalar | Should -Be 200
            $skipped = @($warnings | Where-Object { "$_" -like '*Skipped: TargetPrivileges (-SkipCheck)*' })
            $skipped | Should -HaveCount 1
            "$($skipped[0])" | Should -BeLike '*It found: Fail*CREATE VIEW*'
            Get-TestWorkerLog $task | Should -Match 'pre-check\(s\) skipped at the start \(-SkipCheck\): TargetPrivileges'
        }
    }
}
