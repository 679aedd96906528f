BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Stop-OmsTask' {
    Test-CmdletContract Stop-OmsTask -Parameters Name, Direction, PassThru -Mandatory ':Name' -ByValue Name -ByPropertyName Name, Direction -ConfirmImpact Medium

    Context 'stopping' -Tag Integration {
        It 'marks a task without a worker Stopped, with a warning, binding Name and Direction from Get-OmsTask' {
            $t = New-TestTask
            $stopped = Get-OmsTask $t.Task | Stop-OmsTask -PassThru -Confirm:$false -WarningVariable w -WarningAction SilentlyContinue
            "$($stopped.Status)" | Should -Be 'Stopped'
            "$($stopped.Direction)" | Should -Be 'Forward'
            @($w).Count | Should -Be 1
            Remove-TestTask $t
        }
        It 'stops a running worker at a safe point; the task can resume' {
            $db = New-TestDatabaseName stopit
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                $workerPid = (Get-OmsTask $t.Task).WorkerPid
                Stop-OmsTask $t.Task -WhatIf
                Get-Process -Id $workerPid | Should -Not -BeNullOrEmpty
                Stop-OmsTask $t.Task -Confirm:$false
                "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Stopped'
                # The worker lets go of its task before its process has quite ended.
                Wait-TestCondition -What 'the worker process to end' -Condition { -not (Get-Process -Id $workerPid -ErrorAction SilentlyContinue) }
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t VALUES (7)"
                $null = Resume-OmsTask $t.Task -Confirm:$false
                Wait-TestCondition -What 'the row written while stopped' -Condition { (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq 1 }
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
        It 'reports an unknown task (TaskNotFound) and stops the next one piped' {
            $t = New-TestTask
            'no-such-task', $t.Task | Stop-OmsTask -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Stopped'
            Remove-TestTask $t
        }
    }
}
